package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/feeds"
)

// UserAgent is sent with every webhook request.
const UserAgent = "vigil-webhooks/1"

// maxResponse bounds what is read of a webhook's answer: only its status matters.
const maxResponse = 64 << 10

// Sign is the X-Vigil-Signature of body sent at t with secret: "t=<unix>,v1=<hex>",
// the HMAC-SHA256 keyed with the secret over "<unix>.<body>". Receivers compute the same
// and compare, and refuse a t too far from their clock, so that a request captured
// once cannot be replayed later.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac.Sum(nil))
}

// post sends delivery d to webhook w and returns the HTTP status it answered (0 when
// none came); any status but 2xx is an error. The error names no address: chat
// services keep their credential in it.
func (s *Service) post(ctx context.Context, w vigil.Webhook, d vigil.Delivery) (int, error) {
	body := []byte(d.Payload)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, strings.NewReader(d.Payload))
	if err != nil {
		return 0, errors.New("the webhook address is not usable")
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", UserAgent)
	req.Header.Set("X-Vigil-Delivery", strconv.FormatInt(d.ID, 10))
	req.Header.Set("X-Vigil-Event", string(d.Event))
	req.Header.Set("X-Vigil-Signature", Sign(w.Secret, s.now(), body))
	resp, err := s.client.Do(req)
	if err != nil {
		err = vigil.HideSecrets(err, append(vigil.URLSecrets(req.URL), strings.Split(req.URL.Path, "/")...))
		return 0, errors.New(feeds.FailureReason(err, "webhook_allow_private"))
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxResponse))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, fmt.Errorf("the webhook answered %s", resp.Status)
	}
	return resp.StatusCode, nil
}
