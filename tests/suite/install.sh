# `cmake --install` of this build tree into a scratch prefix: binaries, man pages that man(1)
# finds through MANPATH, completions where bash-completion, zsh and fish look, the sshkey-ldap
# example configuration, the JSON schemas. (scripts/package-test does the same for the .deb.)
source "$SECKIT_TESTS_DIR/lib.sh"
p="$T/prefix"
cmake --install "$SECKIT_BUILD_DIR" --prefix "$p" >"$T/install.log" 2>&1 || { cat "$T/install.log" >&2; fail "cmake --install"; }
export MANPATH="$p/share/man"
assert_eq "$(man -w seckit)" "$p/share/man/man7/seckit.7" "man -w seckit"
[ -f "$p/share/seckit/schema/envelope.json" ] || fail "JSON schemas not installed"
for tool in ${SECKIT_BUILT_TOOLS//,/ }; do
  [ -x "$p/bin/$tool" ] || fail "$tool not installed in bin/"
  assert_eq "$("$p/bin/$tool" --version | cut -d' ' -f1,2)" "$tool (seckit)" "$tool --version"
  assert_eq "$(man -w "$tool")" "$p/share/man/man1/$tool.1" "man -w $tool"
  [ -f "$p/share/bash-completion/completions/$tool" ] || fail "bash completion of $tool"
  [ -f "$p/share/zsh/vendor-completions/_$tool" ] || fail "zsh completion of $tool"
  [ -f "$p/share/fish/vendor_completions.d/$tool.fish" ] || fail "fish completion of $tool"
  [ ! -d "$SECKIT_SOURCE_DIR/docs/schema/$tool" ] || [ -d "$p/share/seckit/schema/$tool" ] || fail "JSON schemas of $tool not installed"
done
if [[ ",$SECKIT_BUILT_TOOLS," == *",sshkey-ldap,"* ]]; then
  cmp -s "$p/share/doc/seckit/examples/sshkey-ldap.conf" "$SECKIT_SOURCE_DIR/examples/sshkey-ldap/sshkey-ldap.conf" \
    || fail "sshkey-ldap example configuration not installed"
fi
[ -x "$p/share/doc/seckit/examples/pipelines/cron-cert-expiry" ] || fail "pipeline examples not installed"
pass "cmake --install: binaries, man pages, completions, examples, schemas"
