/**
 * The contract between the chat networks' adapters and the dialog engine.
 * Adapters turn a network's message into an InboundMessage and render the
 * OutboundMessages back; every rule of the conversation lives in the engine.
 */

/** The chat networks; a ticket's `channel` is 'telegram' or 'wechat' (both WeChat networks). */
export type Network = 'telegram' | 'wechat-oa' | 'wechaty';

export interface InboundPhoto {
  /** Downloads the photo (within the network's size limits); throws with a reason the engine can tell the citizen. */
  download(): Promise<{ bytes: Uint8Array; mimeType: string }>;
}

export interface InboundMessage {
  network: Network;
  /** The citizen's id on the network: Telegram chat id, WeChat OpenID, Wechaty contact id. */
  chatUserId: string;
  /** The network's own id for this message (update_id, MsgId…): dedupe and idempotency keys derive from it. */
  messageId: string;
  kind: 'text' | 'photo' | 'location' | 'voice' | 'start';
  text?: string;
  photo?: InboundPhoto;
  location?: { lat: number; lng: number; label?: string };
  /** A voice message: the network's media id, and the text when the network recognised the speech. */
  voice?: { mediaId: string; recognition?: string };
  /** Said in a group (社区群) where the bot was mentioned: answer questions only. */
  inGroup?: boolean;
  receivedAt?: Date;
}

/** A choice the citizen can tap; `reply` is what the engine receives as text when tapped. */
export interface ChatButton {
  label: string;
  reply: string;
}

export interface OutboundMessage {
  text: string;
  /** Rendered as buttons where the network has them, as numbered options where it does not. */
  buttons?: ChatButton[];
}

export interface Dialog {
  handle(message: InboundMessage): Promise<OutboundMessage[]>;
}

/** Delivers messages the citizen did not just ask for (status notifications). */
export interface ChatSender {
  network: Network;
  send(chatUserId: string, messages: OutboundMessage[]): Promise<{ delivered: true } | { delivered: false; reason: string }>;
}

/** A chat network's stored voice messages, by the media id kept on the ticket. */
export interface VoiceMediaSource {
  /** The recording, or 'expired' when the network no longer has it (WeChat keeps temporary media three days). */
  download(mediaId: string): Promise<{ bytes: Uint8Array; mimeType: string } | 'expired'>;
}
