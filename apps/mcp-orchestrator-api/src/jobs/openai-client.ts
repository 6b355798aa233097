import { DomainError, ErrorCode } from '#contracts';
import { cancelledError } from '../cancellation.js';
import { SseParser } from './sse.js';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
}

export interface ChatCompletionRequest {
  model: string;
  messages: ChatMessage[];
  maxTokens: number;
  stream: boolean;
}

export interface ChatCompletionResult {
  content: string;
  finishReason: string | null;
  promptTokens: number;
  completionTokens: number;
  /** True when a streaming backend sent no usage block and tokens were counted from chunks. */
  usageEstimated: boolean;
  /** Whatever the backend reports as its identity (`system_fingerprint`), useful for placement checks. */
  backend: string | null;
}

interface Choice {
  message?: { content?: string };
  delta?: { content?: string };
  finish_reason?: string | null;
}
interface CompletionBody {
  choices?: Choice[];
  usage?: { prompt_tokens?: number; completion_tokens?: number };
  system_fingerprint?: string;
  error?: { message?: string };
}

export function chatCompletionsUrl(backendUrl: string): string {
  return `${backendUrl.replace(/\/+$/, '')}/chat/completions`;
}

/**
 * Calls an OpenAI-compatible `/chat/completions` endpoint (vLLM, Ollama, TGI, …). `backendUrl` is the
 * API base including `/v1`. Streaming deltas go to `onDelta` as they arrive.
 */
export async function chatCompletion(
  backendUrl: string,
  req: ChatCompletionRequest,
  opts: { signal?: AbortSignal; onDelta?: (text: string) => void; apiKey?: string } = {},
): Promise<ChatCompletionResult> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: req.stream ? 'text/event-stream' : 'application/json',
  };
  if (opts.apiKey) headers.authorization = `Bearer ${opts.apiKey}`;
  const body = {
    model: req.model,
    messages: req.messages,
    max_tokens: req.maxTokens,
    stream: req.stream,
    ...(req.stream ? { stream_options: { include_usage: true } } : {}),
  };
  let res: Response;
  try {
    res = await fetch(chatCompletionsUrl(backendUrl), { method: 'POST', headers, body: JSON.stringify(body), signal: opts.signal });
  } catch (err) {
    if (opts.signal?.aborted) throw cancelledError('inference request');
    throw new DomainError(ErrorCode.SERVICE_UNAVAILABLE, 'inference backend unreachable', { cause: (err as Error).message });
  }
  if (!res.ok) {
    const text = await res.text().catch(() => '');
    let message = text.slice(0, 500);
    try {
      message = (JSON.parse(text) as CompletionBody).error?.message ?? message;
    } catch {
      /* non-JSON error body */
    }
    throw new DomainError(
      res.status >= 500 ? ErrorCode.SERVICE_UNAVAILABLE : ErrorCode.VALIDATION_FAILED,
      'inference backend rejected the request',
      { status: res.status, message },
    );
  }
  if (!req.stream) {
    const json = (await res.json()) as CompletionBody;
    const choice = json.choices?.[0];
    return {
      content: choice?.message?.content ?? '',
      finishReason: choice?.finish_reason ?? null,
      promptTokens: json.usage?.prompt_tokens ?? 0,
      completionTokens: json.usage?.completion_tokens ?? 0,
      usageEstimated: json.usage === undefined,
      backend: json.system_fingerprint ?? null,
    };
  }
  const parser = new SseParser();
  const decoder = new TextDecoder();
  let content = '';
  let finishReason: string | null = null;
  let chunks = 0;
  let usage: CompletionBody['usage'];
  let backend: string | null = null;
  const reader = res.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    for (const data of parser.push(decoder.decode(value, { stream: true }))) {
      if (data === '[DONE]') continue;
      const json = JSON.parse(data) as CompletionBody;
      backend ??= json.system_fingerprint ?? null;
      if (json.usage) usage = json.usage;
      const choice = json.choices?.[0];
      if (choice?.finish_reason) finishReason = choice.finish_reason;
      const delta = choice?.delta?.content;
      if (delta) {
        content += delta;
        chunks++;
        opts.onDelta?.(delta);
      }
    }
  }
  return {
    content,
    finishReason,
    promptTokens: usage?.prompt_tokens ?? 0,
    completionTokens: usage?.completion_tokens ?? chunks,
    usageEstimated: usage === undefined,
    backend,
  };
}
