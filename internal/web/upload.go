package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"strings"

	"github.com/breachline/breachline/internal/errs"
	"github.com/breachline/breachline/internal/roster"
)

// FormTokenField is the form field in which a page upload carries its CSRF
// token; it must come before the file.
const FormTokenField = "csrf_token"

// RosterUploads receives roster files sent as multipart/form-data,
// streaming the file into the database (never holding it in memory), where
// it waits for a worker on any machine, and hashing it on the way.
type RosterUploads struct {
	// Store keeps uploaded files until a worker has imported them.
	Store *roster.UploadStore
	// Limit caps an upload's size in bytes.
	Limit int64
}

// The bounds of an upload's other parts: a mapping file (YAML), and each
// short field (format, sheet, date order, default country).
const (
	maxMappingBytes = 1 << 20
	maxFieldBytes   = 256
)

// TokenGuard checks a form upload's CSRF token, which must arrive before
// the file part, so that nothing is stored for a forged request.
type TokenGuard struct {
	valid func(string) bool
	ok    bool
}

// NewTokenGuard checks the form's token with valid.
func NewTokenGuard(valid func(string) bool) *TokenGuard { return &TokenGuard{valid: valid} }

// Receive reads an upload's parts (a page form's token first when guard is
// set). A file received for a refused request is removed; on success the
// caller owns the stored upload (Discard it when it is not queued).
func (u RosterUploads) Receive(w http.ResponseWriter, r *http.Request, guard *TokenGuard) (roster.Upload, error) {
	r.Body = http.MaxBytesReader(w, r.Body, u.Limit)
	up, err := u.receive(r, guard)
	if err != nil {
		u.Discard(r.Context(), up)
	}
	return up, err
}

// Discard removes a received upload that will not be imported.
func (u RosterUploads) Discard(ctx context.Context, up roster.Upload) {
	if up.UploadID != 0 {
		_ = u.Store.Delete(context.WithoutCancel(ctx), up.UploadID)
	}
}

// receive reads the parts: file (required), and optionally format, sheet,
// date_order, default_country and mapping (a YAML mapping file); a form
// upload (guard set) first carries its CSRF token.
func (u RosterUploads) receive(r *http.Request, guard *TokenGuard) (roster.Upload, error) {
	var up roster.Upload
	mr, err := r.MultipartReader()
	if err != nil {
		return up, &errs.Invalid{Message: "send the roster as multipart/form-data with a part named file"}
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return up, uploadError(err)
		}
		if err := u.readPart(r.Context(), part, &up, guard); err != nil {
			_ = part.Close()
			return up, err
		}
		_ = part.Close()
	}
	if up.UploadID == 0 {
		return up, &errs.Invalid{Message: "no file uploaded", Fields: map[string]string{"file": "required"}}
	}
	return up, nil
}

func (u RosterUploads) readPart(ctx context.Context, part *multipart.Part, up *roster.Upload, guard *TokenGuard) error {
	name := part.FormName()
	if guard != nil && name == FormTokenField {
		raw, err := io.ReadAll(io.LimitReader(part, 256))
		if err != nil {
			return uploadError(err)
		}
		guard.ok = guard.valid(string(raw))
	}
	if guard != nil && !guard.ok {
		return fmt.Errorf("form upload without a valid token before %q: %w", name, errs.ErrForbidden)
	}
	if name == FormTokenField && guard != nil {
		return nil
	}
	if name == "file" {
		if up.UploadID != 0 {
			return &errs.Invalid{Message: "send one file per upload", Fields: map[string]string{"file": "repeated"}}
		}
		return u.storeFile(ctx, part, up)
	}
	if name == "mapping" {
		raw, err := io.ReadAll(io.LimitReader(part, maxMappingBytes+1))
		if err != nil {
			return uploadError(err)
		}
		if len(raw) > maxMappingBytes {
			return &errs.Limit{Message: fmt.Sprintf("the mapping file is larger than %d bytes", maxMappingBytes)}
		}
		m, err := roster.ParseMapping(bytes.NewReader(raw))
		if err != nil {
			return &errs.Invalid{Message: "the mapping file is not valid", Fields: map[string]string{"mapping": err.Error()}}
		}
		up.Options.Mapping = m
		return nil
	}
	raw, err := io.ReadAll(io.LimitReader(part, maxFieldBytes+1))
	if err != nil {
		return uploadError(err)
	}
	if len(raw) > maxFieldBytes {
		return &errs.Invalid{Message: "a form field is too long", Fields: map[string]string{name: fmt.Sprintf("at most %d bytes", maxFieldBytes)}}
	}
	v := strings.TrimSpace(string(raw))
	switch name {
	case "format":
		if v != "" && v != "csv" && v != "xlsx" {
			return &errs.Invalid{Message: "unknown format", Fields: map[string]string{"format": "use csv or xlsx"}}
		}
		up.Options.Format = roster.Format(v)
	case "sheet":
		up.Options.Sheet = v
	case "date_order":
		if v != "" && v != "DMY" && v != "MDY" {
			return &errs.Invalid{Message: "unknown date order", Fields: map[string]string{"date_order": "use DMY or MDY"}}
		}
		up.Options.DateOrder = roster.DateOrder(v)
	case "default_country":
		up.Options.DefaultCountry = v
	default:
		return &errs.Invalid{Message: "unknown form field", Fields: map[string]string{name: "unknown field"}}
	}
	return nil
}

// storeFile streams the file part into the upload store, hashing it.
func (u RosterUploads) storeFile(ctx context.Context, part *multipart.Part, up *roster.Upload) error {
	w, err := u.Store.Create(ctx)
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, part); err != nil {
		w.Abort()
		if stored := w.Err(); stored != nil {
			return stored
		}
		return uploadError(err)
	}
	n, sum, err := w.Close()
	if err != nil {
		w.Abort()
		return err
	}
	up.UploadID = w.ID()
	if n == 0 {
		return &errs.Invalid{Message: "the uploaded file is empty", Fields: map[string]string{"file": "empty"}}
	}
	up.FileName = filepath.Base(strings.ReplaceAll(part.FileName(), `\`, "/"))
	up.SHA256, up.Size = sum, n
	return nil
}

// uploadError keeps a too-large body recognisable (413) and reports other
// broken uploads as invalid requests.
func uploadError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return err
	}
	return &errs.Invalid{Message: "the upload was interrupted or malformed"}
}
