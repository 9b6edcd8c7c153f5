/**
 * The page shell for every public page: GOV.UK-like, no external assets, no scripts,
 * visible focus, works at 320 px and with the keyboard. Every value goes through `h`.
 */
import { h, raw, type RawHtml } from '#http/html';

const CSS = `
*,*::before,*::after{box-sizing:border-box}
body{margin:0;font-family:Arial,Helvetica,sans-serif;font-size:19px;line-height:1.4;color:#0b0c0c;background:#fff;overflow-wrap:break-word}
.skip{position:absolute;left:-9999px}.skip:focus{position:static;display:block;padding:8px;background:#fd0;color:#0b0c0c}
header{background:#0b0c0c;color:#fff;padding:12px 16px}header p{margin:0;font-weight:bold;font-size:22px}
main{max-width:720px;margin:0 auto;padding:24px 16px 48px}
h1{font-size:32px;line-height:1.15;margin:0 0 24px}h2{font-size:24px;margin:32px 0 12px}
a{color:#1d70b8}a:visited{color:#4c2c92}
a:focus,input:focus,textarea:focus,button:focus,[tabindex]:focus{outline:3px solid #fd0;outline-offset:0;box-shadow:0 0 0 6px #0b0c0c}
.field{margin:0 0 28px}.field.error{border-left:5px solid #d4351c;padding-left:12px}
/* An error summary link (or Shift+Tab) scrolls its control into view: keep the question, hint and error above it on screen. */
.field input,.field textarea{scroll-margin-top:240px}
label,legend{display:block;font-weight:bold;margin-bottom:4px}
fieldset{border:0;margin:0;padding:0}legend{font-size:22px;padding:0}
.hint{color:#505a5f;margin:0 0 8px}.msg{color:#d4351c;font-weight:bold;margin:0 0 8px}
input[type=text],input[type=email],input[type=tel],textarea{width:100%;max-width:32em;font:inherit;padding:6px;border:2px solid #0b0c0c;border-radius:0}
.error input,.error textarea{border-color:#d4351c}
textarea{min-height:8em}
.choice{display:flex;align-items:flex-start;gap:10px;margin:0 0 10px}
.choice input{width:28px;height:28px;margin:0;flex:none}.choice label{font-weight:normal;margin:2px 0 0}
.choice .hint{margin:0}
button{font:inherit;font-weight:bold;color:#fff;background:#00703c;border:0;box-shadow:0 2px 0 #002d18;padding:10px 16px;cursor:pointer}
.summary{border:5px solid #d4351c;padding:16px;margin:0 0 32px}.summary h2{margin-top:0}
.summary ul{margin:0;padding-left:20px}.summary a{color:#d4351c;font-weight:bold}
.panel{background:#00703c;color:#fff;padding:24px;margin:0 0 32px;text-align:center}.panel h1{margin:0 0 8px}
.panel .ref{font-size:28px;font-weight:bold;letter-spacing:1px;margin-bottom:0}
.notice{border-left:10px solid #1d70b8;padding:8px 16px;background:#f3f2f1}
.visually-hidden{position:absolute!important;width:1px;height:1px;margin:0;padding:0;overflow:hidden;clip:rect(0 0 0 0);border:0;white-space:nowrap}
.agent{border-left:5px solid #b1b4b6;padding-left:15px;margin:0 0 28px}.agent h2{margin-top:0}
/* The questions about the person acted for show only once "Someone else" is chosen; a browser without :has() shows them always. */
@supports selector(:has(*)){form:not(:has(#requestFor-someone-else:checked)) .agent{display:none}}
.hp{position:absolute;left:-10000px;top:auto;width:1px;height:1px;overflow:hidden}
footer{border-top:1px solid #b1b4b6;max-width:720px;margin:0 auto;padding:16px;font-size:16px;color:#505a5f}
`;

export function page(opts: { title: string; body: RawHtml; dpoAddress: string; hasErrors?: boolean }): string {
  const title = `${opts.hasErrors ? 'Error: ' : ''}${opts.title} - Icetrak privacy requests`;
  return h`<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title}</title>
<style>${raw(CSS)}</style>
</head>
<body>
<a class="skip" href="#main">Skip to main content</a>
<header><p>Icetrak privacy requests</p></header>
<main id="main" tabindex="-1">
${opts.body}
</main>
<footer>Icetrak Ltd, Malvern, UK. Data Protection Officer: <a href="mailto:${opts.dpoAddress}">${opts.dpoAddress}</a>.</footer>
</body>
</html>`.value;
}
