// The knowledge editor in the browser: the preview follows the answer as it
// is typed (rendered by the API, the same renderer as the portal's answer
// page), and leaving the page with unsaved changes asks first. Without
// JavaScript the form still works: 刷新预览 posts it.
import { staffKnowledge as tk } from '../i18n/zh-CN/staff-knowledge.ts';

interface Preview {
  html: string;
  chatText: string;
  chars: number;
  chatBytes: number;
  wechatMaxBytes: number;
  wechatMessages: number;
}

const form = document.querySelector<HTMLFormElement>('[data-kb-editor]');
if (form) {
  let dirty = form.dataset.dirty === '1';
  const answer = form.querySelector<HTMLTextAreaElement>('textarea[name="answer"]');
  const question = form.querySelector<HTMLInputElement>('input[name="question"]');
  const portal = form.querySelector<HTMLElement>('[data-preview-portal]');
  const heading = form.querySelector<HTMLElement>('[data-preview-question]');
  const chat = form.querySelector<HTMLElement>('[data-preview-chat]');
  const size = form.querySelector<HTMLElement>('[data-preview-size]');
  const wechat = form.querySelector<HTMLElement>('[data-preview-wechat]');
  const empty = form.querySelector<HTMLElement>('[data-preview-empty]');
  let timer: ReturnType<typeof setTimeout> | undefined;
  let asked = 0;

  const refresh = async () => {
    if (!answer || !portal) return;
    const mine = ++asked;
    if (heading && question) {
      heading.textContent = question.value.trim();
      heading.hidden = !heading.textContent;
    }
    if (!answer.value.trim()) return;
    try {
      const res = await fetch('/api/kb/admin/preview', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ answer: answer.value, ...(question?.value.trim() ? { question: question.value.trim() } : {}) }),
      });
      if (!res.ok || mine !== asked) return;
      const p = (await res.json()) as Preview;
      // The API's renderer allows no raw HTML and only http(s), mailto and tel links.
      portal.innerHTML = p.html;
      empty?.remove();
      if (chat) chat.textContent = p.chatText;
      if (size) size.textContent = tk.preview.size(p.chars, p.chatBytes);
      if (wechat) {
        wechat.textContent = p.wechatMessages > 1 ? tk.preview.wechatLong(p.wechatMessages, p.wechatMaxBytes) : tk.preview.wechatOk;
        wechat.classList.toggle('warn', p.wechatMessages > 1);
      }
    } catch {
      // The preview is a help; 刷新预览 still posts the form.
    }
  };

  form.addEventListener('input', (event) => {
    dirty = true;
    const target = event.target as HTMLElement | null;
    if (target === answer || target === question) {
      clearTimeout(timer);
      timer = setTimeout(refresh, 350);
    }
  });
  form.addEventListener('submit', () => {
    dirty = false;
  });
  window.addEventListener('beforeunload', (event) => {
    if (!dirty) return;
    event.preventDefault();
    // Older browsers show their own text; the value must be set all the same.
    event.returnValue = form.dataset.unsaved ?? '';
  });
  const summary = document.querySelector<HTMLElement>('[data-error-summary]');
  summary?.focus();
}
