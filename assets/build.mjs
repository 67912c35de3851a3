// Builds the front-end into src/carecharge/apps/web/static/dist/ from the npm packages.
// Nothing third-party is committed: `make assets` (via `npm ci`) fetches and builds it.
import { compile, NodePackageImporter } from 'sass'
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const out = join(root, 'src/carecharge/apps/web/static/dist')
const modules = join(root, 'node_modules')

rmSync(out, { recursive: true, force: true })
mkdirSync(out, { recursive: true })

const css = compile(join(root, 'assets/carecharge.scss'), {
  importers: [new NodePackageImporter(root)],
  loadPaths: [root],
  style: 'compressed',
  quietDeps: true,
  silenceDeprecations: ['import', 'global-builtin', 'slash-div', 'color-functions'],
})
writeFileSync(join(out, 'carecharge.css'), css.css)

cpSync(join(modules, 'govuk-frontend/dist/govuk/govuk-frontend.min.js'), join(out, 'govuk-frontend.min.js'))
cpSync(join(modules, 'govuk-frontend/dist/govuk/assets/images'), join(out, 'assets/images'), { recursive: true })
cpSync(join(modules, 'htmx.org/dist/htmx.min.js'), join(out, 'htmx.min.js'))
cpSync(join(root, 'assets/carecharge.js'), join(out, 'carecharge.js'))
console.log(`assets built into ${out}`)
