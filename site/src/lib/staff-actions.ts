/**
 * How each ticket action the API offers is posted: its endpoint under
 * /api/staff/tickets/{no}/ and how the form's fields become the JSON body.
 * Which actions a viewer gets is the API's decision (allowedActions); this
 * file knows only the shape of each form.
 */
export const ACTION_PATHS: Record<string, string> = {
  accept: 'accept',
  reject: 'reject',
  answer_directly: 'answer',
  merge: 'merge',
  mark_repeat: 'mark-repeat',
  dispatch: 'dispatch',
  sign: 'sign',
  request_return: 'return',
  approve_return: 'return/approve',
  deny_return: 'return/deny',
  request_extension: 'extension',
  approve_extension: 'extension/approve',
  deny_extension: 'extension/deny',
  urge: 'urge',
  supervise: 'supervise',
  progress_note: 'progress',
  record_contact: 'contact',
  reply: 'reply',
  rate: 'callback',
  callback_attempt: 'callback/attempt',
  reopen: 'reopen',
  close: 'close',
};

const text = (form: FormData, name: string) => String(form.get(name) ?? '').trim();

/** The body for an action from its form; empty optional fields are left out (the API refuses an empty note). */
export function actionBody(action: string, form: FormData): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const put = (name: string, value: unknown) => {
    if (value !== '' && value !== undefined) body[name] = value;
  };
  switch (action) {
    case 'accept':
      put('type', text(form, 'type'));
      put('category', text(form, 'category'));
      put('urgency', text(form, 'urgency'));
      put('note', text(form, 'note'));
      break;
    case 'dispatch': {
      put('leadUnitId', text(form, 'leadUnitId'));
      body.coUnitIds = form.getAll('coUnitIds').map(String).filter(Boolean);
      put('category', text(form, 'category'));
      put('note', text(form, 'note'));
      break;
    }
    case 'request_extension': {
      const days = text(form, 'extraWorkingDays');
      // A number for the API, or the text as typed so its validation message names the field.
      put('extraWorkingDays', /^\d+$/.test(days) ? Number(days) : days === '' ? undefined : days);
      put('reason', text(form, 'reason'));
      break;
    }
    case 'progress_note':
      put('note', text(form, 'note'));
      body.public = form.get('public') === 'on';
      break;
    case 'rate': {
      put('processSatisfaction', text(form, 'processSatisfaction'));
      put('resultSatisfaction', text(form, 'resultSatisfaction'));
      const resolved = text(form, 'resolved');
      if (resolved === 'yes' || resolved === 'no') body.resolved = resolved === 'yes';
      put('note', text(form, 'note'));
      break;
    }
    default:
      for (const name of ['reason', 'answer', 'entryId', 'reply', 'note', 'intoTicketNo', 'ofTicketNo', 'method']) put(name, text(form, name));
  }
  return body;
}
