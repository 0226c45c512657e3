package pages_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/chromedp/chromedp"
)

// axeSource is axe-core, vendored as test data (version in assets/VERSIONS).
var axeSource = sync.OnceValues(func() (string, error) {
	b, err := os.ReadFile("testdata/axe/axe.min.js")
	return string(b), err
})

// axeRun runs axe-core over the page for WCAG 2.0, 2.1 and 2.2 levels A and AA, and
// returns the serious and critical violations with the selectors of their elements.
const axeRun = `(async () => {
  const r = await axe.run(document, {
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa']},
    resultTypes: ['violations'],
  });
  return r.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({id: v.id, impact: v.impact, help: v.help, url: v.helpUrl,
                nodes: v.nodes.map(n => n.target.join(' ') + (n.failureSummary ? ' (' + n.failureSummary.replace(/\s+/g, ' ') + ')' : ''))}));
})()`

// axeViolation is one rule a page breaks.
type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	URL    string   `json:"url"`
	Nodes  []string `json:"nodes"`
}

func (v axeViolation) String() string {
	return fmt.Sprintf("%s (%s): %s <%s>\n\t%s", v.ID, v.Impact, v.Help, v.URL, strings.Join(v.Nodes, "\n\t"))
}

// axe injects axe-core into the page the tab shows and runs it. The script is evaluated
// through the DevTools protocol (Runtime.evaluate), which the page's
// Content-Security-Policy does not govern: a script element added to the page would be
// blocked (TestBrowserPolicyBlocksInjectedScript checks both).
func (tb *tab) axe(ctx context.Context, step string) []axeViolation {
	tb.t.Helper()
	src, err := axeSource()
	if err != nil {
		tb.t.Fatalf("axe-core is vendored as test data: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](src)); err != nil {
		tb.t.Fatalf("%s: inject axe-core: %v", step, err)
	}
	vs, err := chromedp.Run(ctx, chromedp.Evaluate[[]axeViolation](axeRun, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.t.Fatalf("%s: run axe-core: %v", step, err)
	}
	return vs
}
