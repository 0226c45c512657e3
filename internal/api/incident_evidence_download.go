package api

import (
	"context"
	"mime"
)

type evidenceDownloadIn struct {
	ID   int64 `path:"id" minimum:"1" doc:"The incident's number."`
	File int64 `path:"file" minimum:"1" doc:"The file's number."`
}

// download is a file sent only as an attachment: never rendered or run in the browser,
// whatever its content.
type download struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	NoSniff            string `header:"X-Content-Type-Options"`
	CacheControl       string `header:"Cache-Control"`
	Checksum           string `header:"X-Checksum-SHA256" doc:"The file's SHA-256 as kept when it was uploaded."`
	Body               []byte
}

// attachment is a download of content named name, of the given type.
func attachment(name, ctype string, content []byte) *download {
	return &download{ContentType: ctype, ContentDisposition: mime.FormatMediaType("attachment", map[string]string{"filename": name}),
		NoSniff: "nosniff", CacheControl: "no-store", Body: content}
}

// evidenceDownload sends an evidence file as an attachment of type application/octet-stream.
func (a *API) evidenceDownload(ctx context.Context, in *evidenceDownloadIn) (*download, error) {
	ev, content, err := a.app.Incidents.Evidence(ctx, principal(ctx), in.ID, in.File)
	if err != nil {
		return nil, err
	}
	d := attachment(ev.Name, "application/octet-stream", content)
	d.Checksum = ev.SHA256
	return d, nil
}
