# common/net: libpcap capture source, link layers, IPv4/IPv6 with fragment reassembly, UDP, TCP
# stream reassembly. Only tools that read captures link it (and so libpcap).
pkg_check_modules(SECKIT_LIBPCAP REQUIRED IMPORTED_TARGET libpcap)
seckit_module(net
  SOURCES net/pcap_source.cpp net/capture_file.cpp net/capture_pcapng.cpp net/capture.cpp net/layers.cpp net/fragments.cpp net/decoder.cpp net/tcp_stream.cpp
  DEPS seckit::bytes PkgConfig::SECKIT_LIBPCAP fmt::fmt)
