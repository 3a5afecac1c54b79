import { and, eq } from 'drizzle-orm';
import { chatAdapterState, type Db } from '@hotline/db';
import type { ChatButton, OutboundMessage } from '../dialog/types.ts';
import { NETWORK } from './service-window.ts';
import { optionIndex } from './text.ts';

/**
 * The numbered options last offered to each follower (WeChat text has no
 * buttons), in chat_adapter_state: the citizen's "1" may reach another
 * instance than the one that offered the options, or this one after a
 * restart. remember() completes before the answer goes out, so the next
 * message, wherever it lands, finds the options it answers.
 */
export class OfferedOptions {
  readonly #db: Db;
  readonly #now: () => Date;

  constructor(db: Db, now: () => Date) {
    this.#db = db;
    this.#now = now;
  }

  /** Remembers the buttons of the last message that had any; an answer without buttons forgets them. */
  async remember(openId: string, messages: OutboundMessage[]): Promise<void> {
    const withButtons = [...messages].reverse().find((m) => m.buttons?.length);
    const offered = withButtons ? withButtons.buttons!.map((b) => ({ label: b.label, reply: b.reply })) : null;
    const at = this.#now();
    await this.#db
      .insert(chatAdapterState)
      .values({ network: NETWORK, chatUserId: openId, offeredButtons: offered, updatedAt: at })
      .onConflictDoUpdate({ target: [chatAdapterState.network, chatAdapterState.chatUserId], set: { offeredButtons: offered, updatedAt: at } });
  }

  /** The button's reply when `text` is the number of one of the options last offered, else the text itself. */
  async resolve(openId: string, text: string): Promise<string> {
    const index = optionIndex(text);
    if (index === null) return text;
    const [row] = await this.#db
      .select({ offered: chatAdapterState.offeredButtons })
      .from(chatAdapterState)
      .where(and(eq(chatAdapterState.network, NETWORK), eq(chatAdapterState.chatUserId, openId)));
    const button: ChatButton | undefined = row?.offered?.[index];
    return button ? button.reply : text;
  }
}
