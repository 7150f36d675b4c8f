#!/usr/bin/env bash
# Screenshots are read with Debian's Tesseract (English, Simplified Chinese and Malay data);
# the OCR tests draw their screenshots with DejaVu Sans and WenQuanYi Zen Hei (CJK glyphs).
# Installs the Debian packages that are missing when we may use apt-get.
set -euo pipefail
tessdata_has() {
  local name
  for name in "$@"; do
    compgen -G "/usr/share/tesseract-ocr/*/tessdata/$name.traineddata" >/dev/null || return 1
  done
}
if command -v tesseract >/dev/null && tessdata_has eng chi_sim msa \
  && [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] \
  && [ -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ]; then
  exit 0
fi
packages=(tesseract-ocr tesseract-ocr-eng tesseract-ocr-chi-sim tesseract-ocr-msa
  fonts-dejavu-core fonts-wqy-zenhei)
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing Debian's Tesseract OCR (English, Chinese, Malay) for screenshots ..."
  mkdir -p var/log
  { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      -o DPkg::Lock::Timeout=300 "${packages[@]}"; } \
    >var/log/apt-ocr.log 2>&1 || { tail -20 var/log/apt-ocr.log; exit 1; }
else
  echo "Tesseract OCR is missing: install Debian's packages (sudo apt-get install ${packages[*]}) to read screenshots." >&2
  exit 1
fi
