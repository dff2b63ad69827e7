/** Shared pieces of the unit specs (the core's and the features'). */
import { FIRST_SCREEN_ID } from '@/api/firstScreen'

/** index.html as the backend sends it for a logged-in user: the data block at the end of the body. */
export function putFirstScreen(text: string): void {
  const script = document.createElement('script')
  script.type = 'application/json'
  script.id = FIRST_SCREEN_ID
  script.textContent = text
  document.body.append(script)
}

/** A 200 JSON answer, as the backend gives it. */
export function json(body: unknown): Response {
  return new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } })
}
