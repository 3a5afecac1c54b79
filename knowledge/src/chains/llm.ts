import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { ChatOpenAI } from '@langchain/openai';

export interface LlmConfig {
  baseUrl: string;
  apiKey: string;
  model: string;
  /** Milliseconds before a call is given up (the rule-based answer is used instead). */
  timeoutMs?: number;
}

/** A chat model on any OpenAI-compatible endpoint (LLM_BASE_URL, LLM_API_KEY, LLM_MODEL). */
export function createChatModel(config: LlmConfig): BaseChatModel {
  return new ChatOpenAI({
    model: config.model,
    apiKey: config.apiKey,
    configuration: { baseURL: config.baseUrl },
    temperature: 0,
    maxRetries: 1,
    timeout: config.timeoutMs ?? 8_000,
  });
}

/** The text of a model reply, whatever shape its content has. */
export function replyText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content.map((part) => (typeof part === 'string' ? part : typeof part?.text === 'string' ? part.text : '')).join('');
  }
  return '';
}

/** The first JSON object in a reply (models sometimes wrap it in prose or code fences). */
export function extractJson(text: string): unknown {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) throw new Error('no JSON object in the model reply');
  return JSON.parse(text.slice(start, end + 1));
}
