package main

import (
	"bytes"
	"context"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"papergate/internal/testpdf"
	"papergate/review"
)

// objectFiles lists the local object store's files, to prove that a rejected upload
// stores nothing.
func objectFiles(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	return files
}

// TestBadInput: every kind of bad upload gets a clear error, through the API and the
// CLI, and changes nothing already stored; a 500-page PDF works.
func TestBadInput(t *testing.T) {
	e := newEnv(t, embedded)
	t.Setenv("PAPERGATE_MAX_UPLOAD_MB", "4")
	base := e.serve()
	token := e.token("clerk1", review.RoleClerk)
	ctx := context.Background()

	good := scanPDF(2, 400, 560, 7)
	status, doc := upload(t, base, token, "good.pdf", good, nil)
	if status != http.StatusCreated {
		t.Fatalf("good upload: %d %v", status, doc)
	}
	goodID := int64(doc["id"].(float64))
	e.waitSplit(goodID, 2)
	objectsDir := filepath.Join(e.dir, "data", "objects")
	before := objectFiles(t, objectsDir)

	truncated := scanPDF(3, 400, 560, 8)
	encrypted := testpdf.Encrypted()
	png := testPNG(t)
	tests := []struct {
		name       string
		file       string
		data       []byte
		wantStatus int
		wantCode   string
		wantMsg    string
	}{
		{"truncated PDF", "cut.pdf", truncated[:len(truncated)*2/3], 422, "corrupt_pdf", "damaged or incomplete"},
		{"encrypted PDF", "locked.pdf", encrypted, 422, "encrypted_pdf", "password-protected"},
		{"PDF with zero pages", "empty.pdf", testpdf.PDF(nil, 0), 422, "no_pages", "no pages"},
		{".pdf that is a PNG", "scan.pdf", png, 422, "extension_mismatch", "named like a PDF but its content is a PNG image"},
		{".png that is text", "scan.png", []byte("just some text, not an image\n"), 422, "unsupported_type", "is text"},
		{"empty file", "nothing.pdf", nil, 422, "empty_file", "is empty"},
		{"over the size limit", "huge.pdf", append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte{'x'}, 5<<20)...), 413, "too_large", "larger than the upload limit of 4 MB"},
		{"TIFF with JPEG compression", "scan.tif", testpdf.TIFF(2, 64, 64, 200, 7), 422, "unsupported_tiff", "JPEG compression"},
		{"the good file again", "good-again.pdf", good, 200, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body := upload(t, base, token, tc.file, tc.data, nil)
			if status != tc.wantStatus {
				t.Fatalf("status = %d (%v), want %d", status, body, tc.wantStatus)
			}
			if tc.wantCode == "" {
				return
			}
			apiErr, _ := body["error"].(map[string]any)
			if apiErr["code"] != tc.wantCode || !strings.Contains(apiErr["message"].(string), tc.wantMsg) {
				t.Errorf("error = %v, want code %s and a message with %q", apiErr, tc.wantCode, tc.wantMsg)
			}
			// The CLI says the same on stderr and exits 1.
			path := filepath.Join(e.dir, tc.file)
			os.WriteFile(path, tc.data, 0o644)
			_, errOut, code := e.run("ingest", path)
			if code != 1 || !strings.Contains(errOut, tc.wantMsg) {
				t.Errorf("ingest: exit %d, stderr %q; want 1 and %q", code, errOut, tc.wantMsg)
			}
		})
	}

	docs, err := e.db.Documents(ctx, review.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 1 || docs[0].ID != goodID || docs[0].Status != review.StatusRecognizing || docs[0].Pages != 2 {
		t.Errorf("after bad uploads the store holds %+v, want only the good document, unchanged", docs)
	}
	if after := objectFiles(t, objectsDir); len(after) != len(before) {
		t.Errorf("object store had %d files, now %d: a rejected upload stored something", len(before), len(after))
	}
	if spool, _ := filepath.Glob(filepath.Join(e.dir, "papergate-upload-*")); len(spool) > 0 {
		t.Errorf("spool files left behind: %v", spool)
	}

	t.Run("500-page PDF", func(t *testing.T) {
		big := scanPDF(500, 100, 141, 9)
		status, doc := upload(t, base, token, "census-batch.pdf", big, nil)
		if status != http.StatusCreated || doc["pages"] != float64(500) {
			t.Fatalf("upload: %d %v", status, doc)
		}
		e.waitSplit(int64(doc["id"].(float64)), 500)
	})
}
