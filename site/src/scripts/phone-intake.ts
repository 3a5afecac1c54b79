// 电话受理 with a script: the draft, the answers and the similar tickets
// follow what the operator types (debounced), without the 更新建议 round
// trip; fields the operator changed keep their value. Keyboard: Ctrl+Enter
// 登记, Ctrl+Shift+Enter 直接答复. The form posts the same without this.

interface Hit {
  id: string;
  question: string;
  answer: string;
}
interface Similar {
  ticketNo: string;
  title: string;
  statusLabel: string;
  districtName: string | null;
  address: string | null;
}
interface Assist {
  draft: { type: string; category: string | null; urgency: string; title: string; location: { district?: string; street?: string; address?: string } };
  emergency: string | null;
  emergencyAdvice: string | null;
  answers: { available: boolean; confident: boolean; hits: Hit[] };
  similar: Similar[];
}

const DEBOUNCE_MS = 500;

function setUp(form: HTMLFormElement) {
  const text = form.querySelector<HTMLTextAreaElement>('[data-call-text]')!;
  const answer = form.querySelector<HTMLTextAreaElement>('[data-call-answer]')!;
  const status = form.querySelector<HTMLElement>('[data-live-status]')!;
  const answersBox = form.querySelector<HTMLElement>('[data-answers]')!;
  const similarBox = form.querySelector<HTMLElement>('[data-similar]')!;
  const changedNote = form.querySelector<HTMLElement>('[data-changed-note]')!;
  const slot = document.querySelector<HTMLElement>('[data-emergency-slot]')!;
  const d = form.dataset;
  const labels = JSON.parse(d.emergencyLabels ?? '{}') as Record<string, string>;
  const field = (name: string) => form.querySelector<HTMLInputElement | HTMLSelectElement>(`[data-draft="${name}"]`)!;
  const suggestedInput = (name: string) => form.querySelector<HTMLInputElement>(`[data-suggested="${name}"]`)!;
  const fields = ['type', 'category', 'urgency', 'district', 'street', 'address', 'title'];
  // What the operator changed by hand since the page was shown.
  const touched = new Set<string>(fields.filter((f) => suggestedInput(f).value && field(f).value && field(f).value !== suggestedInput(f).value));
  for (const f of fields) {
    field(f).addEventListener('change', () => {
      touched.add(f);
      changedNote.hidden = false;
      if (f === 'urgency') showEmergency(lastEmergency, lastAdvice);
    });
  }
  let answerTyped = answer.value.trim() !== '';
  // The entry an answer came from, so the caller's words teach the answer chain; an emptied answer came from none.
  const entry = form.querySelector<HTMLInputElement>('[data-call-entry]')!;
  answer.addEventListener('input', () => {
    answerTyped = answer.value.trim() !== '';
    if (!answerTyped) entry.value = '';
  });

  let lastEmergency: string | null = slot.querySelector<HTMLElement>('[data-emergency]')?.dataset.emergency ?? null;
  if (lastEmergency === 'urgent') lastEmergency = null;
  let lastAdvice: string | null = null;
  let lastUrgent = false;

  function showEmergency(number: string | null, advice: string | null) {
    lastEmergency = number;
    lastAdvice = advice;
    const urgent = !number && (field('urgency').value === 'urgent' || lastUrgent);
    const shown = slot.querySelector<HTMLElement>('[data-emergency]')?.dataset.emergency ?? '';
    const want = number ?? (urgent ? 'urgent' : '');
    if (shown === want) return;
    slot.replaceChildren();
    if (number) {
      const node = (document.getElementById('emergency-template') as HTMLTemplateElement).content.firstElementChild!.cloneNode(true) as HTMLElement;
      node.dataset.emergency = number;
      const link = node.querySelector('a')!;
      link.href = `tel:${number}`;
      link.textContent = (d.transfer ?? '').replace('{n}', number).replace('{label}', labels[number] ?? '');
      const adviceNode = node.querySelector<HTMLElement>('.advice')!;
      if (advice) adviceNode.textContent = advice;
      else adviceNode.remove();
      slot.append(node);
    } else if (urgent) {
      slot.append((document.getElementById('urgent-template') as HTMLTemplateElement).content.firstElementChild!.cloneNode(true));
    }
  }

  function renderAnswers(a: Assist['answers']) {
    if (!a.available || a.hits.length === 0) {
      const p = document.createElement('p');
      p.className = 'empty';
      p.textContent = a.available ? (d.answersEmpty ?? '') : (d.answersUnavailable ?? '');
      answersBox.replaceChildren(p);
      return;
    }
    const list = document.createElement('ol');
    list.className = 'answer-list';
    a.hits.forEach((hit, i) => {
      const li = document.createElement('li');
      const q = document.createElement('p');
      q.className = 'q';
      const strong = document.createElement('strong');
      strong.textContent = hit.question;
      q.append(strong);
      if (i === 0 && a.confident) {
        const tag = document.createElement('span');
        tag.className = 'status-tag';
        tag.textContent = d.confident ?? '';
        q.append(tag);
      }
      const body = document.createElement('p');
      body.className = 'a';
      body.textContent = hit.answer;
      const use = document.createElement('button');
      use.type = 'button';
      use.className = 'secondary small';
      use.textContent = d.useAnswer ?? '';
      use.setAttribute('aria-label', `${d.useAnswer ?? ''}：${hit.question}`);
      use.addEventListener('click', () => {
        answer.value = hit.answer;
        entry.value = hit.id;
        answerTyped = true;
        answer.focus();
      });
      li.append(q, body, use);
      list.append(li);
    });
    answersBox.replaceChildren(list);
    if (!answerTyped && a.confident && a.hits[0]) {
      answer.value = a.hits[0].answer;
      entry.value = a.hits[0].id;
    }
  }

  function renderSimilar(similar: Similar[]) {
    if (similar.length === 0) {
      const p = document.createElement('p');
      p.className = 'empty';
      p.textContent = d.similarEmpty ?? '';
      similarBox.replaceChildren(p);
      return;
    }
    const list = document.createElement('ul');
    list.className = 'similar-list';
    for (const s of similar) {
      const li = document.createElement('li');
      li.dataset.similarTicket = s.ticketNo;
      const a = document.createElement('a');
      a.href = `/staff/tickets/${s.ticketNo}`;
      a.textContent = (d.similarItem ?? '').replace('{n}', s.ticketNo);
      const title = document.createElement('span');
      title.textContent = s.title;
      const meta = document.createElement('span');
      meta.className = 'meta';
      meta.textContent = [s.statusLabel, s.districtName, s.address].filter(Boolean).join(' · ');
      li.append(a, title, meta);
      list.append(li);
    }
    similarBox.replaceChildren(list);
  }

  function applyDraft(a: Assist) {
    const next: Record<string, string> = {
      type: a.draft.type,
      category: a.draft.category ?? '',
      urgency: a.draft.urgency,
      district: a.draft.location.district ?? '',
      street: a.draft.location.street ?? '',
      address: a.draft.location.address ?? '',
      title: a.draft.title,
    };
    for (const f of fields) {
      suggestedInput(f).value = next[f]!;
      if (!touched.has(f)) field(f).value = next[f]!;
    }
  }

  let timer: number | undefined;
  let controller: AbortController | undefined;
  let asked = '';
  async function refresh() {
    const words = text.value.trim();
    if (words.length < 2 || words === asked) return;
    asked = words;
    controller?.abort();
    controller = new AbortController();
    status.textContent = d.updating ?? '';
    try {
      const district = touched.has('district') ? field('district').value : '';
      const res = await fetch('/api/staff/phone/assist', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: words, ...(district ? { district } : {}) }),
        credentials: 'same-origin',
        signal: controller.signal,
      });
      if (!res.ok) {
        status.textContent = '';
        asked = '';
        return;
      }
      const a = (await res.json()) as Assist;
      lastUrgent = a.draft.urgency === 'urgent';
      applyDraft(a);
      renderAnswers(a.answers);
      renderSimilar(a.similar);
      showEmergency(a.emergency, a.emergencyAdvice);
      status.textContent = d.updated ?? '';
    } catch (error) {
      if ((error as Error).name !== 'AbortError') {
        status.textContent = '';
        asked = '';
      }
    }
  }
  text.addEventListener('input', () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, DEBOUNCE_MS);
  });

  form.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' || !(event.ctrlKey || event.metaKey)) return;
    event.preventDefault();
    const button = form.querySelector<HTMLButtonElement>(event.shiftKey ? '[data-answer-directly]' : '[data-register]')!;
    form.requestSubmit(button);
  });
}

for (const form of document.querySelectorAll<HTMLFormElement>('[data-phone-intake]')) setUp(form);

export {};
