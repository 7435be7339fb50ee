// The floor for ikedecode: a bare libpcap read loop over the same file (touches every byte).
#include <pcap/pcap.h>

#include <cstdio>

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  char errbuf[PCAP_ERRBUF_SIZE];
  pcap_t* p = pcap_open_offline(argv[1], errbuf);
  if (p == nullptr) {
    std::fprintf(stderr, "%s\n", errbuf);
    return 2;
  }
  pcap_pkthdr* h;
  const u_char* data;
  unsigned long frames = 0, sum = 0;
  while (pcap_next_ex(p, &h, &data) == 1) {
    ++frames;
    for (bpf_u_int32 i = 0; i < h->caplen; i += 64) sum += data[i];
  }
  std::printf("%lu frames (checksum %lu)\n", frames, sum);
  pcap_close(p);
  return 0;
}
