// Starts GOV.UK Frontend's components. Nothing here is needed to use a page: every journey
// works without JavaScript.
import { initAll } from './govuk-frontend.min.js'

initAll()
