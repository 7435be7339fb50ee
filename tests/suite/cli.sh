# Suite-level contract that every tool must keep (seckit(7), docs/DEVELOPING.md: exit codes, one-line errors,
# --help/--version, man page and completions that the shells and groff accept).
source "$SECKIT_TESTS_DIR/lib.sh"
src="$SECKIT_SOURCE_DIR"
[ -n "${SECKIT_BUILT_TOOLS:-}" ] || { echo "no tools built; nothing to check"; exit 0; }

for tool in ${SECKIT_BUILT_TOOLS//,/ }; do
  expect_exit 0 "$tool" --version
  assert_eq "$(last_stdout)" "$tool (seckit) $(sed -n 's/^project(seckit VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")" "$tool --version"
  # Output that cannot be written is an error, never a silent success (exit 3, one line).
  expect_exit 3 bash -c '"$1" --version >/dev/full' _ "$tool"
  assert_one_line_error "$tool"
  expect_exit 0 "$tool" --help
  assert_contains "$(last_stdout)" "--json" "$tool --help lists the common flags"

  expect_exit 2 "$tool" --no-such-flag-anywhere
  assert_one_line_error "$tool"

  # The man page is valid roff: groff warnings are errors here.
  warnings=$(groff -man -ww -z "$src/man/$tool.1" 2>&1 || true)
  [ -z "$warnings" ] || fail "man/$tool.1: $warnings"
  grep -q '^\.SH EXIT STATUS' "$src/man/$tool.1" || fail "man/$tool.1 has no EXIT STATUS section"
  grep -q '^\.SH EXAMPLES' "$src/man/$tool.1" || fail "man/$tool.1 has no EXAMPLES section"

  # The completions parse in their shells, and bash offers the subcommands and flags.
  bash -n "$src/completions/bash/$tool" || fail "bash completion of $tool does not parse"
  zsh -n "$src/completions/zsh/_$tool" || fail "zsh completion of $tool does not parse"
  fish --no-execute "$src/completions/fish/$tool.fish" || fail "fish completion of $tool does not parse"
  offered=$(bash -c "source '$src/completions/bash/$tool'; COMP_WORDS=($tool --j); COMP_CWORD=1; _seckit_${tool//-/_}; echo \"\${COMPREPLY[*]}\"")
  assert_eq "$offered" "--json" "bash completion of '$tool --j'"
  pass "$tool keeps the suite contract"
done
