// vigil.js starts the NHS.UK frontend's components (menus, error summaries, tables).
// It is a file rather than an inline script so that the Content-Security-Policy can
// refuse every inline script. Pages work without it.
import { initAll } from './nhsuk/nhsuk-frontend.min.js'

document.body.classList.add('js-enabled', 'nhsuk-frontend-supported')
initAll()
