// Instant answers under a search box while the citizen types. The box's form
// still posts without this script; here we only add the list.
//
// <input data-instant="ID of the results element"> and on the results element:
// data-none, data-count ("{n}" is replaced), data-searching.

interface Hit {
  id: string;
  question: string;
  answer: string;
}

const LAST_QUESTION = 'hotline:last-question';

function snippet(markdown: string): string {
  const text = markdown.replace(/[#>*_`[\]()-]+/g, ' ').replace(/\s+/g, ' ').trim();
  return text.length > 70 ? `${text.slice(0, 70)}…` : text;
}

function setUp(input: HTMLInputElement) {
  const box = document.getElementById(input.dataset.instant ?? '');
  if (!box) return;
  const list = box.querySelector('ul')!;
  const status = box.querySelector('[role="status"]')!;
  let timer: number | undefined;
  let controller: AbortController | undefined;
  let shown = '';

  const render = (hits: Hit[], q: string) => {
    list.replaceChildren(
      ...hits.map((hit) => {
        const li = document.createElement('li');
        const a = document.createElement('a');
        a.href = `/answer/${encodeURIComponent(hit.id)}`;
        a.textContent = hit.question;
        a.addEventListener('click', () => sessionStorage.setItem(LAST_QUESTION, q));
        const p = document.createElement('span');
        p.className = 'meta';
        p.textContent = ` ${snippet(hit.answer)}`;
        li.append(a, document.createElement('br'), p);
        return li;
      }),
    );
    status.textContent = hits.length ? (box.dataset.count ?? '').replace('{n}', String(hits.length)) : (box.dataset.none ?? '');
    box.hidden = false;
  };

  const search = async () => {
    const q = input.value.trim();
    if (q === shown) return;
    shown = q;
    controller?.abort();
    if ([...q].length < 2) {
      box.hidden = true;
      list.replaceChildren();
      return;
    }
    controller = new AbortController();
    status.textContent = box.dataset.searching ?? '';
    try {
      const res = await fetch(`/api/kb/search?q=${encodeURIComponent(q)}&limit=5&suggest=1`, { signal: controller.signal, headers: { accept: 'application/json' } });
      if (!res.ok) throw new Error(String(res.status));
      const body = (await res.json()) as { hits: Hit[] };
      render(body.hits, q);
    } catch (error) {
      if ((error as Error).name !== 'AbortError') box.hidden = true;
    }
  };

  input.addEventListener('input', () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(search, 250);
  });
  input.form?.addEventListener('submit', () => sessionStorage.setItem(LAST_QUESTION, input.value.trim()));
}

for (const input of document.querySelectorAll<HTMLInputElement>('input[data-instant]')) setUp(input);

// On an answer page: carry the question the citizen typed into "没解决".
for (const field of document.querySelectorAll<HTMLInputElement>('input[data-last-question]')) {
  const last = sessionStorage.getItem(LAST_QUESTION);
  if (last && !field.value) field.value = last.slice(0, 500);
}
