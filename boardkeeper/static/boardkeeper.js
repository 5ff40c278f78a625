// The page's one script: GOV.UK Frontend's components. No inline scripts anywhere (Content Security Policy).
import { initAll } from "./vendor/govuk-frontend.min.js";

document.body.classList.add("govuk-frontend-supported");
initAll();
