export {};

// Photos on the filing form: previews, removal, at most 6, resized in the
// browser (longest side 1600 px, JPEG 0.85) and put back into the file input,
// so the form's normal multipart POST sends the smaller files. Without this
// script the input posts the originals and the server scales them.

const MAX_SIDE = 1600;

interface Chosen {
  file: File;
  url: string;
}

const input = document.querySelector<HTMLInputElement>('input[data-photos]');
if (input && input.form && typeof DataTransfer === 'function') setUp(input, input.form);

async function resize(file: File): Promise<File> {
  try {
    const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
    const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    if (scale === 1 && file.size <= 1024 * 1024) {
      bitmap.close();
      return file;
    }
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    const context = canvas.getContext('2d')!;
    context.fillStyle = '#fff';
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.85));
    if (!blob || (scale === 1 && blob.size >= file.size)) return file;
    return new File([blob], `${file.name.replace(/\.[^.]*$/, '') || 'photo'}.jpg`, { type: 'image/jpeg', lastModified: file.lastModified });
  } catch {
    // A format the browser cannot decode: the server gets the original.
    return file;
  }
}

function setUp(input: HTMLInputElement, form: HTMLFormElement) {
  const field = input.closest('.field')!;
  const list = field.querySelector<HTMLElement>('[data-photo-previews]')!;
  const status = field.querySelector<HTMLElement>('[data-photo-status]')!;
  const keptBoxes = [...form.querySelectorAll<HTMLInputElement>('input[data-remove-kept]')];
  const d = input.dataset;
  const fill = (template: string | undefined, values: Record<string, number>) => (template ?? '').replace(/\{(\w+)\}/g, (_, k: string) => String(values[k] ?? ''));
  const kept = () => Number(d.kept) - keptBoxes.filter((box) => box.checked).length;
  const room = () => Number(d.max) - kept() - chosen.length;
  let chosen: Chosen[] = [];
  let pending: Promise<void> | null = null;

  const sync = () => {
    const transfer = new DataTransfer();
    for (const c of chosen) transfer.items.add(c.file);
    input.files = transfer.files;
  };

  const render = (message = '') => {
    list.replaceChildren(
      ...chosen.map((c, i) => {
        const n = kept() + i + 1;
        const li = document.createElement('li');
        const img = document.createElement('img');
        img.src = c.url;
        img.alt = fill(d.alt, { i: n });
        const size = document.createElement('span');
        size.textContent = `${Math.max(1, Math.round(c.file.size / 1024))} KB`;
        const remove = document.createElement('button');
        remove.type = 'button';
        remove.className = 'secondary';
        remove.textContent = fill(d.remove, { i: n });
        remove.addEventListener('click', () => {
          URL.revokeObjectURL(c.url);
          chosen = chosen.filter((x) => x !== c);
          sync();
          render();
          input.focus();
        });
        li.append(img, size, remove);
        return li;
      }),
    );
    list.hidden = chosen.length === 0;
    status.textContent = [message, chosen.length ? fill(d.chosen, { n: chosen.length }) : ''].filter(Boolean).join(' ');
  };

  input.addEventListener('change', () => {
    const picked = [...(input.files ?? [])];
    if (picked.length === 0) {
      // Cancelled picker: keep what was chosen before.
      sync();
      return;
    }
    const take = picked.slice(0, Math.max(0, room()));
    const left = picked.length - take.length;
    status.textContent = d.working ?? '';
    const work = (async () => {
      for (const file of take) {
        const small = await resize(file);
        chosen.push({ file: small, url: URL.createObjectURL(small) });
      }
      sync();
      render(left > 0 ? fill(d.tooMany, { n: left, max: Number(d.max) }) : '');
    })();
    pending = work;
    void work.finally(() => {
      if (pending === work) pending = null;
    });
  });

  for (const box of keptBoxes) box.addEventListener('change', () => render());

  // A submit while photos are still being resized waits for them.
  form.addEventListener('submit', (event) => {
    if (!pending) return;
    event.preventDefault();
    const submitter = event.submitter as HTMLButtonElement | null;
    void pending.then(() => form.requestSubmit(submitter));
  });
}
