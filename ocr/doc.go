// Package ocr reads scanned returns of the 2006 劳动保障信息系统普查表: page
// images in, typed values with calibrated confidence out. It implements
// review.Recognizer with Tesseract (the one cgo package of papergate).
//
// A page is prepared (seal red turned to background, lighting flattened,
// orientation and skew corrected), OCRed once, identified by trigram votes
// against every form's printed text, and aligned character by character with
// that text (layout's paper templates), so that every printed label, blank and
// tick box is found without fixed coordinates. Blanks are then read from their
// own crops: codes and digits with a glyph matcher rendered from the CJK
// fonts, text with Tesseract; tick boxes by the ink between their
// parentheses; tables by their ruled grid. Each value's features are mapped to
// a probability with a table measured on a synthetic corpus (calibration.json).
//
// Tesseract runs single-threaded (OMP_THREAD_LIMIT=1 must be in the
// environment when the process starts); run one Engine per core.
package ocr
