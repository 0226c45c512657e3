package pages_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// The browser tests drive Debian's chromium, headless, through the DevTools protocol:
// one browser for the whole package, one private browser context (its own cookies) per
// person in a journey. Every page a journey shows is checked the same way (checkPage):
// no dialog opened, nothing the Content-Security-Policy had to block, no serious or
// critical axe-core finding, nothing wider than a phone's screen; and it is saved as a
// PNG for a person to look at.

// TestMain closes the shared browser after the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	chrome.stop()
	os.Exit(code)
}

// chromium is the one browser the package's tests share, started by the first test that
// needs it.
type chromium struct {
	once   sync.Once
	ctx    context.Context // the browser's own context: tabs are made from it
	cancel context.CancelFunc
	err    error
}

var chrome chromium

// chromiumPath finds the browser: $VIGIL_CHROMIUM, else chromium or chromium-browser on
// the PATH.
func chromiumPath() (string, error) {
	if p := os.Getenv("VIGIL_CHROMIUM"); p != "" {
		return exec.LookPath(p)
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("no chromium on the PATH (apt-get install chromium, or set VIGIL_CHROMIUM to the browser's path)")
}

// start launches the browser with the flags the issue asks for.
func (c *chromium) start() {
	path, err := chromiumPath()
	if err != nil {
		c.err = err
		return
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
	)
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, bcancel := chromedp.NewContext(actx)
	c.ctx = bctx
	c.cancel = func() { bcancel(); acancel() }
	if err := chromedp.Do(bctx); err != nil { // starts the browser; no timeout, or it would end it
		c.err = fmt.Errorf("start %s: %w", path, err)
		c.cancel()
	}
}

func (c *chromium) stop() {
	if c.cancel != nil {
		c.cancel()
	}
}

// browserContext is the shared browser, started on first use. Without a browser the
// test is skipped, except under CI (CI=true), where it fails: CI installs chromium.
func browserContext(t *testing.T) context.Context {
	t.Helper()
	chrome.once.Do(chrome.start)
	if chrome.err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("browser tests need chromium under CI: %v", chrome.err)
		}
		t.Skipf("skipping the browser test: %v", chrome.err)
	}
	return chrome.ctx
}

// artefacts is the folder screenshots go to: $VIGIL_TEST_ARTEFACTS, else
// testdata/artefacts (ignored by git). The test log names it once.
var artefacts = sync.OnceValue(func() string {
	dir := os.Getenv("VIGIL_TEST_ARTEFACTS")
	if dir == "" {
		dir = filepath.Join("testdata", "artefacts")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return dir
	}
	return abs
})

// Screens people use: the smallest phone the pages must work on, and a desk.
var (
	phone   = screen{Width: 360, Height: 740, Mobile: true}
	desktop = screen{Width: 1280, Height: 900}
)

// screen is a viewport to emulate.
type screen struct {
	Width, Height int64
	Mobile        bool
}

// tab is one person's browser window on the site, in a browser context of its own so
// that two people in one journey do not share cookies.
type tab struct {
	t      *testing.T
	site   *site
	ctx    context.Context
	screen screen
	folder string // where this tab's screenshots go
	step   int
	// axeOnce, when set, runs axe-core once per kind of page (see shape) among the tabs
	// that share it, for a test that visits many pages of the same templates.
	axeOnce map[string]bool

	mu      sync.Mutex
	dialogs []string // messages of JavaScript dialogs that opened
}

// watchScript runs in every document before the page's own scripts: it records what the
// Content-Security-Policy blocks, so that a page that needs something the policy
// forbids (an inline style, a script from elsewhere) fails the test.
const watchScript = `window.__vigilBlocked = [];
document.addEventListener('securitypolicyviolation', e =>
  window.__vigilBlocked.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber));`

// openTab opens a tab for who, one person in the test, on scr. Its screenshots go under
// artefacts/<test name>/<who>, which the test log names.
func (s *site) openTab(t *testing.T, who string, scr screen) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browserContext(t), chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil { // opens the tab
		t.Fatalf("open a tab: %v", err)
	}
	tb := &tab{t: t, site: s, ctx: ctx, screen: scr,
		folder: filepath.Join(artefacts(), fileName(t.Name()), fileName(who))}
	if err := os.RemoveAll(tb.folder); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(tb.folder, 0o755); err != nil {
		t.Fatal(err)
	}
	dialogs := chromedp.Events(ctx, cdppage.JavascriptDialogOpening)
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			tb.mu.Lock()
			tb.dialogs = append(tb.dialogs, ev.Type.String()+": "+ev.Message)
			tb.mu.Unlock()
			// A dialog blocks the page; dismiss it so that the test goes on to report it.
			_, _ = chromedp.Call(ctx, cdppage.HandleJavaScriptDialog, cdppage.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
	var emulate []chromedp.EmulateViewportOption
	if scr.Mobile {
		emulate = append(emulate, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait)
	}
	tb.run("set up the tab", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Call(ctx, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{Source: watchScript})
		return err
	}), chromedp.EmulateViewport(scr.Width, scr.Height, emulate...))
	t.Logf("screenshots of %s: %s", who, tb.folder)
	return tb
}

// fileName makes s safe as one file name.
func fileName(s string) string {
	s = strings.Trim(regexp.MustCompile(`[^A-Za-z0-9._-]+`).ReplaceAllString(s, "-"), "-")
	return s[:min(len(s), 60)]
}

// timeout bounds one step, so that a page that never loads fails the test rather than
// hanging it.
const timeout = 60 * time.Second

// run runs actions in the tab, failing the test with what it was doing.
func (tb *tab) run(doing string, actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, timeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		tb.t.Fatalf("%s: %v", doing, err)
	}
}

// load runs actions that load a page (a link, a form) and waits for it; it fails the
// test when the page's status is not want.
func (tb *tab) load(doing string, want int, actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, timeout)
	defer cancel()
	res, err := chromedp.RunResponse(ctx, actions...)
	if err != nil {
		tb.t.Fatalf("%s: %v", doing, err)
	}
	if int(res.Status) != want {
		tb.t.Fatalf("%s: %s answered %d, want %d\n%s", doing, res.URL, res.Status, want, tb.text())
	}
}

// visit opens path on the site and checks the page.
func (tb *tab) visit(path string) {
	tb.t.Helper()
	tb.load("open "+path, 200, chromedp.Navigate(tb.site.url+path))
	step := path
	if step == "/" {
		step = "home"
	}
	tb.checkPage(step)
}

// click clicks the element sel picks, which loads a page, and checks that page.
func (tb *tab) click(step, sel string) {
	tb.t.Helper()
	tb.load(step, 200, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
	tb.checkPage(step)
}

// fill types text into the field sel picks.
func (tb *tab) fill(sel, text string) {
	tb.t.Helper()
	tb.run("type into "+sel, chromedp.SendKeys(chromedp.CSS(sel), text, chromedp.NodeVisible))
}

// signIn signs email in through the sign-in form, as a person would.
func (tb *tab) signIn(email string) {
	tb.t.Helper()
	tb.visit("/")
	tb.fill("#email", email)
	tb.fill("#password", demoPassword)
	tb.click("signed in", `form[action="/sign-in"] button[type="submit"]`)
}

// text is the page's visible text.
func (tb *tab) text() string {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, timeout)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ''`))
	if err != nil {
		tb.t.Fatalf("read the page: %v", err)
	}
	return s
}

// see fails the test unless the page's visible text says every one of want.
func (tb *tab) see(want ...string) {
	tb.t.Helper()
	text := tb.text()
	for _, w := range want {
		if !strings.Contains(text, w) {
			tb.t.Errorf("the page does not say %q; it says:\n%s", w, text)
		}
	}
}

// attr is the value of the attribute name of the first element sel picks, or "".
func (tb *tab) attr(sel, name string) string {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, timeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(
		`(document.querySelector(%q) || {getAttribute: () => ''}).getAttribute(%q) || ''`, sel, name)))
	if err != nil {
		tb.t.Fatalf("read %s of %s: %v", name, sel, err)
	}
	return v
}

// checkPage checks the page the tab shows and saves its screenshot, named after step.
func (tb *tab) checkPage(step string) {
	tb.t.Helper()
	tb.mu.Lock()
	dialogs := tb.dialogs
	tb.dialogs = nil
	tb.mu.Unlock()
	for _, d := range dialogs {
		tb.t.Errorf("%s: a JavaScript dialog opened (%s): text on the page ran as script", step, d)
	}
	ctx, cancel := context.WithTimeout(tb.ctx, timeout)
	defer cancel()
	blocked, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.__vigilBlocked || []`))
	if err != nil {
		tb.t.Fatalf("%s: read the policy's reports: %v", step, err)
	}
	for _, b := range blocked {
		tb.t.Errorf("%s: the Content-Security-Policy blocked something the page asked for: %s", step, b)
	}
	if tb.screen.Mobile {
		width, err := chromedp.Run(ctx, chromedp.Evaluate[int64](`document.documentElement.scrollWidth`))
		if err != nil {
			tb.t.Fatalf("%s: measure the page: %v", step, err)
		}
		if width > tb.screen.Width {
			widest, _ := chromedp.Run(ctx, chromedp.Evaluate[string](widestElement))
			tb.t.Errorf("%s: the page is %d px wide on a %d px screen: people would scroll sideways to read it (widest: %s)", step, width, tb.screen.Width, widest)
		}
	}
	if tb.axeFirst(ctx) {
		for _, v := range tb.axe(ctx, step) {
			tb.t.Errorf("%s: accessibility: %s", step, v)
		}
	}
	tb.screenshot(ctx, step)
}

// axeFirst reports whether axe-core should check the page the tab shows: always, unless
// the tab shares axeOnce and a page of the same kind was checked already.
func (tb *tab) axeFirst(ctx context.Context) bool {
	if tb.axeOnce == nil {
		return true
	}
	at, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname + location.search`))
	if err != nil {
		tb.t.Fatalf("read the page's address: %v", err)
	}
	kind := shape(at)
	if tb.axeOnce[kind] {
		return false
	}
	tb.axeOnce[kind] = true
	return true
}

// screenshot saves the whole page as NN-step.png in the tab's folder.
func (tb *tab) screenshot(ctx context.Context, step string) {
	tb.t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		tb.t.Fatalf("%s: screenshot: %v", step, err)
	}
	tb.step++
	name := filepath.Join(tb.folder, fmt.Sprintf("%02d-%s.png", tb.step, fileName(step)))
	if err := os.WriteFile(name, png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
}

// widestElement names the outermost elements that reach past the screen's right edge,
// so that a failure says what to fix.
const widestElement = `(() => {
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.right <= window.innerWidth + 0.5 || out.some(o => o.contains(el))) continue;
    out.push(el);
  }
  if (!out.length) return 'none found';
  return out.slice(0, 3).map(el => {
    const path = [];
    for (let e = el; e && e !== document.body && path.length < 4; e = e.parentElement) {
      path.unshift(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.classList.length ? '.' + [...e.classList].join('.') : ''));
    }
    return path.join(' > ') + ' reaching ' + Math.round(el.getBoundingClientRect().right) + ' px';
  }).join('; ');
})()`
