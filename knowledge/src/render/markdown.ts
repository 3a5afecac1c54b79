import MarkdownIt from 'markdown-it';

// Raw HTML in answers is shown as text, and links are limited to http(s) and
// mailto/tel, so an answer can never carry a script to a citizen's browser.
const md = new MarkdownIt({ html: false, linkify: true, breaks: true, typographer: false });
md.validateLink = (url: string) => /^(https?:|mailto:|tel:)/i.test(url.trim());

/** An entry's Markdown answer as safe HTML. */
export function renderAnswer(markdown: string): string {
  return md.render(markdown);
}
