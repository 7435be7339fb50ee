#include "qr.hpp"

#include <dlfcn.h>
#include <fmt/format.h>
#include <png.h>
#include <qrencode.h>

#include <memory>

#include "seckit/error.hpp"

namespace otpgen {
namespace {

// libqrencode and libpng are opened by soname only when a QR code is asked for: in DT_NEEDED they
// (with libz, libm, libpthread) were mapped and relocated on every `otpgen code` and `verify`,
// most of the loader's work in a call that never draws a QR code (issue 18). The headers still
// give the types; the package's Depends names both libraries explicitly (SeckitPackaging.cmake)
// because dpkg-shlibdeps cannot see a dlopen.
struct SharedLibrary {
  const char* soname;
  const char* package;  // the Debian package that ships it, for the hint
};
constexpr SharedLibrary kQrencode{"libqrencode.so.4", "libqrencode4"};
constexpr SharedLibrary kPng{"libpng16.so.16", "libpng16-16"};

template <class Function>
Function load_symbol(const SharedLibrary& library, const char* name) {
  // RTLD_LOCAL: nothing else resolves against it; the handle stays open until exit.
  void* handle = ::dlopen(library.soname, RTLD_NOW | RTLD_LOCAL);
  void* symbol = handle ? ::dlsym(handle, name) : nullptr;
  if (!symbol) {
    const char* why = ::dlerror();
    throw seckit::environment_error(
        "qr", fmt::format("cannot load {}: {}", library.soname, why ? why : "no such symbol"),
        fmt::format("QR output needs the Debian package {}", library.package));
  }
  return reinterpret_cast<Function>(symbol);  // NOLINT: dlsym's documented use
}

struct QrencodeApi {
  decltype(&QRcode_encodeString8bit) encode =
      load_symbol<decltype(encode)>(kQrencode, "QRcode_encodeString8bit");
  decltype(&QRcode_free) free = load_symbol<decltype(free)>(kQrencode, "QRcode_free");
};
const QrencodeApi& qrencode() {
  static const QrencodeApi api;
  return api;
}

struct PngApi {
  decltype(&png_image_write_to_memory) write_to_memory =
      load_symbol<decltype(write_to_memory)>(kPng, "png_image_write_to_memory");
  decltype(&png_image_free) free = load_symbol<decltype(free)>(kPng, "png_image_free");
};
const PngApi& png() {
  static const PngApi api;
  return api;
}

}  // namespace

void require_qr_libraries(bool encode, bool png_file) {
  if (encode || png_file) qrencode();
  if (png_file) png();
}

QrMatrix encode_qr(std::string_view text) {
  const QrencodeApi& api = qrencode();
  std::string copy(text);
  // Level M like google-authenticator: survives a phone camera's blur at a modest size.
  std::unique_ptr<QRcode, decltype(api.free)> code(api.encode(copy.c_str(), 0, QR_ECLEVEL_M),
                                                   api.free);
  if (!code) throw seckit::input_error("qr", "cannot encode the URI as a QR code (too long?)");
  QrMatrix qr;
  qr.size = code->width;
  qr.dark.resize(static_cast<std::size_t>(qr.size) * qr.size);
  for (std::size_t i = 0; i < qr.dark.size(); ++i) qr.dark[i] = code->data[i] & 1;
  return qr;
}

std::string render_qr_utf8(const QrMatrix& qr) {
  // Two modules per character cell. The glyphs draw the LIGHT modules (in the foreground
  // colour) and leave dark ones as background, which reads correctly on the usual dark terminal.
  std::string out;
  const int lo = -kQuietZone, hi = qr.size + kQuietZone;
  for (int y = lo; y < hi; y += 2) {
    for (int x = lo; x < hi; ++x) {
      bool top_light = !qr.at(x, y);
      bool bottom_light = y + 1 < hi ? !qr.at(x, y + 1) : false;
      if (top_light && bottom_light) {
        out += "\u2588";
      } else if (top_light) {
        out += "\u2580";
      } else if (bottom_light) {
        out += "\u2584";
      } else {
        out += ' ';
      }
    }
    out += '\n';
  }
  return out;
}

std::string render_qr_ansi(const QrMatrix& qr) {
  std::string out;
  const int lo = -kQuietZone, hi = qr.size + kQuietZone;
  for (int y = lo; y < hi; ++y) {
    for (int x = lo; x < hi; ++x) out += qr.at(x, y) ? "\x1b[40m  " : "\x1b[47m  ";
    out += "\x1b[0m\n";
  }
  return out;
}

std::string render_qr_svg(const QrMatrix& qr, int module_px) {
  const int total = qr.size + 2 * kQuietZone;
  std::string out = fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{0}\" "
      "viewBox=\"0 0 {1} {1}\" shape-rendering=\"crispEdges\">\n"
      "<rect width=\"{1}\" height=\"{1}\" fill=\"#fff\"/>\n<path fill=\"#000\" d=\"",
      total * module_px, total);
  for (int y = 0; y < qr.size; ++y) {
    for (int x = 0; x < qr.size; ++x) {
      if (qr.at(x, y)) out += fmt::format("M{} {}h1v1h-1z", x + kQuietZone, y + kQuietZone);
    }
  }
  out += "\"/>\n</svg>\n";
  return out;
}

std::vector<std::uint8_t> render_qr_png(const QrMatrix& qr, int module_px) {
  const PngApi& api = png();
  const int side = (qr.size + 2 * kQuietZone) * module_px;
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  image.width = static_cast<png_uint_32>(side);
  image.height = static_cast<png_uint_32>(side);
  image.format = PNG_FORMAT_GRAY;
  std::vector<std::uint8_t> pixels(static_cast<std::size_t>(side) * side, 0xff);
  for (int y = 0; y < qr.size; ++y) {
    for (int x = 0; x < qr.size; ++x) {
      if (!qr.at(x, y)) continue;
      for (int dy = 0; dy < module_px; ++dy) {
        std::size_t row = static_cast<std::size_t>((y + kQuietZone) * module_px + dy) * side;
        for (int dx = 0; dx < module_px; ++dx) {
          pixels[row + static_cast<std::size_t>((x + kQuietZone) * module_px + dx)] = 0;
        }
      }
    }
  }
  png_alloc_size_t size = 0;
  if (!api.write_to_memory(&image, nullptr, &size, 0, pixels.data(), side, nullptr)) {
    throw seckit::environment_error("qr", fmt::format("libpng: {}", image.message));
  }
  std::vector<std::uint8_t> png(size);
  if (!api.write_to_memory(&image, png.data(), &size, 0, pixels.data(), side, nullptr)) {
    throw seckit::environment_error("qr", fmt::format("libpng: {}", image.message));
  }
  png.resize(size);
  api.free(&image);
  return png;
}

}  // namespace otpgen
