# Install layout and the Debian package (CPack DEB).
#
#   cmake --install <build> --prefix /usr/local     binaries, man pages, completions, examples
#   cpack -G DEB --config <build>/CPackConfig.cmake  -> seckit_<version>_<arch>.deb
#
# Per tool, seckit_add_tool() installs bin/<tool>, share/man/man1/<tool>.1 and the completions in
# the directories the shells search by default:
#   share/bash-completion/completions/<tool>   (bash-completion's on-demand loader)
#   share/zsh/vendor-completions/_<tool>        (Debian's zsh fpath)
#   share/fish/vendor_completions.d/<tool>.fish (fish's vendor directory)
# Here: seckit(7), the JSON schemas and the example configuration, which is documentation (an
# active /etc file would become a conffile that silently points sshd at example.org).

install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/schema/ DESTINATION ${CMAKE_INSTALL_DATADIR}/seckit/schema
        FILES_MATCHING PATTERN "*.json")
install(FILES ${PROJECT_SOURCE_DIR}/docs/json.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(PROGRAMS ${PROJECT_SOURCE_DIR}/examples/pipelines/ike-eku-check
                 ${PROJECT_SOURCE_DIR}/examples/pipelines/enroll-users
                 ${PROJECT_SOURCE_DIR}/examples/pipelines/cron-cert-expiry
                 ${PROJECT_SOURCE_DIR}/examples/pipelines/cron-sshkey-audit
                 ${PROJECT_SOURCE_DIR}/examples/pipelines/sslvpn-cert-check
                 ${PROJECT_SOURCE_DIR}/examples/pipelines/channel-binding
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples/pipelines)
install(FILES ${PROJECT_SOURCE_DIR}/examples/pipelines/README.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples/pipelines)
if("sshkey-ldap" IN_LIST SECKIT_BUILT_TOOLS)
  install(FILES ${PROJECT_SOURCE_DIR}/examples/sshkey-ldap/sshkey-ldap.conf
          DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
endif()

set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "seckit")
set(CPACK_PACKAGE_VENDOR "seckit")
set(CPACK_PACKAGE_CONTACT "seckit maintainers <seckit@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "composable security command-line tools")
set(CPACK_PACKAGE_DESCRIPTION
    "otpgen, certcheck, sshkey-ldap, ikedecode and friends: small tools for administrators that\n"
    "speak JSON Lines and pipe into each other (OTP enrollment, certificate EKU checks, SSH keys\n"
    "in LDAP, IKE and SSL VPN handshake analysis from pcap).")
set(CPACK_PACKAGE_INSTALL_DIRECTORY "seckit")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # seckit_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION "admin")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://localhost/seckit")
# Depends: computed by dpkg-shlibdeps from the libraries the binaries really link (libssl3,
# libldap-2.5-0, libpcap0.8, libqrencode4, libfmt9...), so it follows SECKIT_TOOLS.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# ...except what a binary dlopens, which dpkg-shlibdeps cannot see: otpgen loads libqrencode and
# libpng only for QR output (tools/otpgen/qr.cpp). CPack merges these with the computed list; the
# versions are the packages' shlibs minimums (/var/lib/dpkg/info/*.shlibs).
if("otpgen" IN_LIST SECKIT_BUILT_TOOLS)
  list(APPEND seckit_dlopen_depends "libqrencode4 (>= 4.1.1)" "libpng16-16 (>= 1.6.2-1)")
endif()
if(seckit_dlopen_depends)
  list(JOIN seckit_dlopen_depends ", " CPACK_DEBIAN_PACKAGE_DEPENDS)
endif()
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "bash-completion")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "jq, libpam-google-authenticator, openssh-server")
# A Debug build's symbols would make the package ten times larger.
set(CPACK_STRIP_FILES ON)
set(CPACK_SOURCE_IGNORE_FILES "/build/;/\\\\.git/")
include(CPack)
