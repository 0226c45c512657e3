package notify

import (
	"strings"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/ioc"
)

// The bodies chat services take from an incoming webhook. Each leads with the TLP
// marking, as the e-mail's subject does, and quotes indicators defanged, as the e-mail
// does: chat programs link web addresses and names too. (The JSON webhook, read by
// programs, carries them as they are.)

// defanged is p with its words defanged.
func defanged(p Payload) Payload {
	p.Subject, p.Body = ioc.Defang(p.Subject), ioc.Defang(p.Body)
	return p
}

// title is the one line a chat message leads with: "[TLP:AMBER] High alert: …".
func title(p Payload) string { return "[TLP:" + string(p.TLP) + "] " + p.Subject }

// teamsCard is a Microsoft Teams incoming webhook's message card: a title, the text (in
// the card's Markdown, where a paragraph needs a blank line) and a button to the alert.
func teamsCard(p Payload) map[string]any {
	p = defanged(p)
	card := map[string]any{
		"@type":      "MessageCard",
		"@context":   "https://schema.org/extensions",
		"summary":    cut(title(p), 200),
		"themeColor": severityColour(p.Severity),
		"title":      cut(title(p), 300),
		"text":       cut(strings.ReplaceAll(strings.TrimSpace(p.Body), "\n", "\n\n"), 20000),
	}
	if p.Link != "" {
		card["potentialAction"] = []any{map[string]any{
			"@type": "OpenUri", "name": "Open in vigil",
			"targets": []any{map[string]string{"os": "default", "uri": p.Link}},
		}}
	}
	return card
}

// slackMessage is a Slack incoming webhook's message: text for notifications and
// clients without blocks, and blocks: a header, the body, and the marking and link.
func slackMessage(p Payload) map[string]any {
	p = defanged(p)
	context := "TLP:" + string(p.TLP)
	if p.Severity != "" {
		context += " · severity " + string(p.Severity)
	}
	if p.Link != "" {
		context += " · <" + p.Link + "|Open in vigil>"
	}
	return map[string]any{
		"text": cut(slackEscape(title(p)), 3000),
		"blocks": []any{
			map[string]any{"type": "header", "text": map[string]any{"type": "plain_text", "text": cut(title(p), 150)}},
			map[string]any{"type": "section", "text": map[string]any{"type": "mrkdwn", "text": cut(slackEscape(strings.TrimSpace(p.Body)), 3000)}},
			map[string]any{"type": "context", "elements": []any{map[string]any{"type": "mrkdwn", "text": context}}},
		},
	}
}

// slackEscape escapes the three characters Slack's mrkdwn reads as markup.
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// severityColour is a card's accent colour by severity.
func severityColour(s vigil.Severity) string {
	switch s {
	case vigil.SeverityCritical:
		return "D5281B"
	case vigil.SeverityHigh:
		return "ED8B00"
	case vigil.SeverityMedium:
		return "FFB81C"
	case vigil.SeverityLow:
		return "005EB8"
	}
	return "4C6272"
}

// cut shortens s to at most n characters, marking the cut with an ellipsis.
func cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
