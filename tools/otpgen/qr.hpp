// QR codes of otpauth URIs via libqrencode: terminal renderings (UTF-8 half blocks, ANSI
// background colours) and files (PNG through libpng, SVG as text). libqrencode only computes the
// module matrix; every rendering adds the 4-module quiet zone scanners need.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace otpgen {

struct QrMatrix {
  int size = 0;                    // modules per side, without the quiet zone
  std::vector<std::uint8_t> dark;  // size*size, 1 = dark
  bool at(int x, int y) const {
    if (x < 0 || y < 0 || x >= size || y >= size) return false;
    return dark[static_cast<std::size_t>(y) * size + x] != 0;
  }
};

inline constexpr int kQuietZone = 4;

// libqrencode (every QR code) and libpng (PNG files) are loaded on first use, by soname. This
// loads them now, so that a missing library is reported (exit 3, naming the Debian package)
// before a command writes anything, e.g. enroll's GA file.
void require_qr_libraries(bool encode, bool png);

// Throws ToolError when the text is too long for a QR code.
QrMatrix encode_qr(std::string_view text);

std::string render_qr_utf8(const QrMatrix& qr);
std::string render_qr_ansi(const QrMatrix& qr);
std::string render_qr_svg(const QrMatrix& qr, int module_px = 8);
// An 8-bit grayscale PNG, `module_px` pixels per module.
std::vector<std::uint8_t> render_qr_png(const QrMatrix& qr, int module_px = 6);

}  // namespace otpgen
