/**
 * The first screen's data, carried by index.html itself.
 *
 * For a logged-in user the backend (frontend.py) ends the page with
 * `<script type="application/json" id="first-screen">`: the answers of the GET requests the
 * landing page (工作台) starts with — the user, the todo list, the tab bar's unread count —
 * keyed by their URL and built by the same code as the API. Handing them to those requests
 * saves the round trips that would follow the scripts (DB31DSJ/Z 003 §6.3.6 d: the first
 * screen within 2 s). Each answer is used once, for the first screen only; later requests go
 * to the server. Without the block, or with anything malformed in it, every request goes to
 * the server as before.
 */

export const FIRST_SCREEN_ID = 'first-screen'

/** The answers by URL; anything that is not a JSON object of objects gives none. */
export function parseFirstScreen(raw: string | null | undefined): Map<string, unknown> {
  const answers = new Map<string, unknown>()
  if (!raw) return answers
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch {
    return answers
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return answers
  for (const [url, answer] of Object.entries(parsed)) {
    // Only the app's own API, and only answers of the shape every one of them has.
    if (url.startsWith('/api/') && typeof answer === 'object' && answer !== null && !Array.isArray(answer)) {
      answers.set(url, answer)
    }
  }
  return answers
}

export function readFirstScreen(doc: Document = document): Map<string, unknown> {
  return parseFirstScreen(doc.getElementById(FIRST_SCREEN_ID)?.textContent)
}

export interface FirstScreenAnswers {
  /** The answer for this GET URL, once; undefined when there is none (any more). */
  take(url: string): unknown
  /** Drop what was not taken: it would be stale for a screen shown later. */
  drop(): void
}

/** A one-shot store of answers, read from the page on first use. */
export function createFirstScreenAnswers(read: () => Map<string, unknown> = readFirstScreen): FirstScreenAnswers {
  let answers: Map<string, unknown> | null = null
  return {
    take(url) {
      answers ??= read()
      const answer = answers.get(url)
      answers.delete(url)
      return answer
    },
    drop() {
      answers = new Map()
    },
  }
}
