export {};

// Live helpers on the filing form (/file) and the letter form (/mailbox/write).
// Everything here is optional: the forms post and validate on the server
// without it. Messages come from data-* attributes the server rendered.

interface Hit {
  id: string;
  question: string;
}

interface Draft {
  draft: { type: string; category?: string };
  emergency: string | null;
  emergencyAdvice: string | null;
}

const byId = <T extends HTMLElement>(id: string | undefined) => (id ? (document.getElementById(id) as T | null) : null);
const fill = (template: string | undefined, values: Record<string, string | number>) =>
  (template ?? '').replace(/\{(\w+)\}/g, (_, key: string) => String(values[key] ?? ''));
const el = <K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]) => {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
};

// Bring an error summary into view and to the screen reader first.
byId('error-summary')?.focus();

const description = byId<HTMLTextAreaElement>('description');
if (description) {
  const counter = byId(description.dataset.count);
  const updateCount = () => {
    if (!counter) return;
    counter.textContent = fill(counter.dataset.template, { n: [...description.value].length, max: counter.dataset.max ?? '' });
    counter.hidden = false;
  };
  updateCount();
  description.addEventListener('input', updateCount);
  const box = byId(description.dataset.suggest);
  if (box) suggest(description, box);
}

/** Knowledge answers, emergency guidance, suggested type and category while the citizen types. */
function suggest(input: HTMLTextAreaElement, box: HTMLElement) {
  const form = input.form!;
  const list = box.querySelector('ul')!;
  const slot = byId('emergency-slot');
  const category = byId<HTMLSelectElement>('category');
  const categoryStatus = form.querySelector<HTMLElement>('[data-category-status]');
  const typeStatus = form.querySelector<HTMLElement>('[data-type-status]');
  const types = [...form.querySelectorAll<HTMLInputElement>('input[name="type"]')];
  let categoryTouched = false;
  let typeTouched = typeStatus?.dataset.auto !== '1';
  let autoCategory = '';
  category?.addEventListener('change', () => (categoryTouched = true));
  for (const radio of types) radio.addEventListener('change', () => (typeTouched = true));

  let timer: number | undefined;
  let last = '';
  let controller: AbortController | undefined;

  const json = async <T>(url: string, signal: AbortSignal, body?: unknown): Promise<T> => {
    const init: RequestInit = { signal, headers: { accept: 'application/json' } };
    if (body) Object.assign(init, { method: 'POST', body: JSON.stringify(body), headers: { accept: 'application/json', 'content-type': 'application/json' } });
    const res = await fetch(url, init);
    if (!res.ok) throw new Error(String(res.status));
    return (await res.json()) as T;
  };

  const showHits = (hits: Hit[]) => {
    list.replaceChildren(
      ...hits.map((hit) => {
        const a = el('a', { href: `/answer/${encodeURIComponent(hit.id)}`, target: '_blank', rel: 'noopener' }, hit.question, el('span', { className: 'visually-hidden', textContent: box.dataset.newWindow ?? '' }));
        return el('li', {}, a);
      }),
    );
    box.hidden = hits.length === 0;
  };

  const showDraft = (d: Draft) => {
    if (slot) {
      slot.replaceChildren();
      if (d.emergency) {
        const call = el('a', { className: 'button danger', href: `tel:${d.emergency}`, textContent: fill(slot.dataset.call, { n: d.emergency }) });
        const title = slot.dataset.title ?? '';
        // The advice often opens with the same words as the heading.
        let advice = d.emergencyAdvice ?? '';
        if (advice.startsWith(title)) advice = advice.slice(title.length).replace(/^[，,。.\s]+/, '');
        slot.append(el('div', { className: 'notice alert' }, el('h2', { textContent: title }), el('p', { textContent: advice }), el('p', {}, call)));
      }
    }
    const code = d.draft.category;
    if (category && categoryStatus && code && !categoryTouched && (category.value === '' || category.value === autoCategory) && category.value !== code) {
      if ([...category.options].some((o) => o.value === code)) {
        category.value = code;
        autoCategory = code;
        categoryStatus.textContent = categoryStatus.dataset.text ?? '';
      }
    }
    const radio = types.find((r) => r.value === d.draft.type);
    if (typeStatus && radio && !typeTouched && !radio.checked) {
      radio.checked = true;
      typeStatus.textContent = fill(typeStatus.dataset.template, { type: radio.labels?.[0]?.textContent?.trim() ?? d.draft.type });
    }
  };

  const look = async () => {
    const text = input.value.trim();
    if ([...text].length < 6 || text === last) return;
    last = text;
    controller?.abort();
    controller = new AbortController();
    const { signal } = controller;
    const q = [...text].slice(0, 200).join('');
    const [hits, draft] = await Promise.allSettled([
      json<{ hits: Hit[] }>(`/api/kb/search?q=${encodeURIComponent(q)}&limit=3&suggest=1`, signal),
      json<Draft>('/api/intake/draft', signal, { text: [...text].slice(0, 5000).join(''), channel: 'web' }),
    ]);
    if (signal.aborted) return;
    if (draft.status === 'fulfilled') showDraft(draft.value);
    if (hits.status === 'fulfilled') showHits(hits.value.hits);
  };

  input.addEventListener('input', () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(look, 600);
  });
  void look();
}

// District → street: only the chosen district's streets (grouped by district otherwise).
const district = byId<HTMLSelectElement>('location-district');
const street = byId<HTMLSelectElement>(district?.dataset.streets);
if (district && street) {
  const original = [...street.children].map((node) => node.cloneNode(true));
  const empty = street.querySelector('option[value=""]');
  const options = [...street.querySelectorAll<HTMLOptionElement>('option[data-district]')];
  const filter = () => {
    const chosen = street.value;
    if (!district.value) street.replaceChildren(...original.map((node) => node.cloneNode(true)));
    else street.replaceChildren(...(empty ? [empty] : []), ...options.filter((o) => o.dataset.district === district.value));
    street.value = [...street.options].some((o) => o.value === chosen) ? chosen : '';
  };
  district.addEventListener('change', filter);
  street.addEventListener('change', () => {
    const picked = street.selectedOptions[0]?.dataset.district;
    if (!district.value && picked) {
      district.value = picked;
      filter();
    }
  });
  filter();
}

// 匿名反映: no contact fields, and none sent.
const anonymous = document.querySelector<HTMLInputElement>('input[data-anonymous]');
const contact = byId(anonymous?.dataset.anonymous);
if (anonymous && contact) {
  const sync = () => {
    contact.hidden = anonymous.checked;
    for (const field of contact.querySelectorAll('input')) field.disabled = anonymous.checked;
  };
  anonymous.addEventListener('change', sync);
  sync();
}

// 使用我的当前位置: coordinates from the device, only to find the place.
const geo = document.querySelector<HTMLElement>('[data-geo]');
if (geo && 'geolocation' in navigator) {
  const lat = geo.querySelector<HTMLInputElement>('[data-geo-lat]')!;
  const lng = geo.querySelector<HTMLInputElement>('[data-geo-lng]')!;
  const status = geo.querySelector<HTMLElement>('[data-geo-status]')!;
  const clear = geo.querySelector<HTMLButtonElement>('[data-geo-clear]')!;
  geo.hidden = false;
  geo.querySelector('[data-geo-locate]')?.addEventListener('click', () => {
    status.textContent = geo.dataset.locating ?? '';
    navigator.geolocation.getCurrentPosition(
      (position) => {
        lat.value = position.coords.latitude.toFixed(6);
        lng.value = position.coords.longitude.toFixed(6);
        status.textContent = fill(geo.dataset.done, { m: Math.round(position.coords.accuracy) });
        clear.hidden = false;
      },
      () => (status.textContent = geo.dataset.failed ?? ''),
      { enableHighAccuracy: true, timeout: 20_000, maximumAge: 60_000 },
    );
  });
  clear.addEventListener('click', () => {
    lat.value = '';
    lng.value = '';
    status.textContent = geo.dataset.cleared ?? '';
    clear.hidden = true;
  });
}
