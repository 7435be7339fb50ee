# Link choices for per-call latency (issue 18). A seckit tool is often run once per event (sshd
# runs sshkey-ldap on every login, scripts loop otpgen), so what the dynamic loader does before
# main() is most of the cost of a short call: every shared library is mapped, and every symbol
# relocation is a hash lookup across all loaded libraries. Measured in bench/latency/run.
#
#   - libstdc++, libgcc and fmt go into the binary: Debian 12 ships no libfmt.a, so fmt is used
#     header-only (FMT_HEADER_ONLY on fmt::fmt; --as-needed then drops libfmt.so). They are not
#     security-update targets the way OpenSSL, libldap and libpcap are, which stay shared system
#     libraries (and in the package's computed Depends).
#   - --as-needed: a library a binary does not call is not loaded (CMake usage requirements are
#     transitive, so without it every tool would load every module's libraries).
#   - -O1 (optimised hash tables), --hash-style=gnu, packed relative relocations (DT_RELR), and
#     hidden visibility so nothing in a binary is exported or interposable.
# Only optimised builds (release, what is installed and measured) get them: sanitizer and fuzz
# builds keep the defaults (their runtimes expect a shared libstdc++), and so do debug builds.
option(SECKIT_STATIC_RUNTIME "Link libstdc++/libgcc statically and fmt header-only" ON)

if(SECKIT_SANITIZE OR SECKIT_FUZZ OR NOT CMAKE_BUILD_TYPE STREQUAL "Release")
  return()
endif()

add_link_options(LINKER:--as-needed LINKER:-O1 LINKER:--hash-style=gnu)
# DT_RELR (binutils 2.38+, glibc 2.36+, both in Debian 12): the ~3,700 relative relocations of a
# binary with libstdc++ inside become a compact bitmap that ld.so applies in a tight loop.
include(CheckLinkerFlag)
check_linker_flag(CXX "LINKER:-z,pack-relative-relocs" SECKIT_HAVE_RELR)
if(SECKIT_HAVE_RELR)
  add_link_options(LINKER:-z,pack-relative-relocs)
endif()
set(CMAKE_CXX_VISIBILITY_PRESET hidden)
set(CMAKE_VISIBILITY_INLINES_HIDDEN ON)

if(SECKIT_STATIC_RUNTIME)
  add_link_options(-static-libstdc++ -static-libgcc)
  if(TARGET fmt::fmt)
    set_property(TARGET fmt::fmt APPEND PROPERTY INTERFACE_COMPILE_DEFINITIONS FMT_HEADER_ONLY=1)
  endif()
endif()
