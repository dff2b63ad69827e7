/**
 * Starts the platform simulator, the Flask app (serving ../dist) and the outbox relay on
 * free loopback ports with a throwaway SQLite database; stops them after the run.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const PROJECT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..')
const PYTHON = join(PROJECT, '.venv', 'bin', 'python')

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer()
    server.once('error', fail)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => done(port))
    })
  })
}

async function waitFor(url: string, child: ChildProcess, seconds = 30): Promise<void> {
  const deadline = Date.now() + seconds * 1000
  for (;;) {
    try {
      const answer = await fetch(url)
      if (answer.status < 500) return
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) throw new Error(`${url}: the process exited (${child.exitCode})`)
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${seconds} s`)
    await new Promise((wake) => setTimeout(wake, 200))
  }
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  const [simPort, appPort] = [await freePort(), await freePort()]
  const sim = `http://127.0.0.1:${simPort}`
  const app = `http://127.0.0.1:${appPort}`
  const workdir = mkdtempSync(join(tmpdir(), 'ywxt-real-'))
  const env = {
    ...process.env,
    APP_ENV: 'development',
    FLASK_SECRET_KEY: 'e2e-'.padEnd(48, 'k'),
    DATABASE_URL: `sqlite:///${join(workdir, 'app.db')}`,
    APP_BASE_URL: app,
    YWXT_API_BASE: sim,
    YWXT_OAUTH_AUTHORIZE_URL: `${sim}/connect/oauth2/authorize`,
    YWXT_WEB_LOGIN_URL: `${sim}/wwlogin/sso/login`,
    YWXT_JSSDK_URL: `${sim}/jssdk/jweixin.js`,
    // Apps baked with `oidc` log plain browsers in at the simulator's OpenID Connect mode
    // (the same user picker); the others ignore it. Set here so .env's port 5001 never wins.
    OIDC_ISSUER: sim,
    FRONTEND_DIST: join(PROJECT, 'frontend', 'dist'),
  }
  const children: ChildProcess[] = []
  const start = (...args: string[]) => {
    const child = spawn(PYTHON, args, { cwd: PROJECT, env, stdio: 'ignore' })
    children.push(child)
    return child
  }
  const flask = (...args: string[]) => {
    const result = spawnSync(PYTHON, ['-m', 'flask', '--app', 'wsgi', ...args], { cwd: PROJECT, env, encoding: 'utf8' })
    if (result.status !== 0) throw new Error(`flask ${args.join(' ')}: ${result.stderr}`)
  }
  const stop = async () => {
    for (const child of children) child.kill('SIGTERM')
    rmSync(workdir, { recursive: true, force: true })
  }
  try {
    const simulator = start('-m', 'devtools.platform_sim', '--host', '127.0.0.1', '--port', String(simPort))
    await waitFor(`${sim}/_sim/status`, simulator)
    flask('db', 'upgrade')
    flask('contacts', 'sync')
    start('-m', 'flask', '--app', 'wsgi', 'outbox', 'run', '--idle-seconds', '0.2')
    const server = start('-m', 'flask', '--app', 'wsgi', 'run', '--host', '127.0.0.1', '--port', String(appPort))
    await waitFor(`${app}/livez`, server)
  } catch (error) {
    await stop()
    throw error
  }
  process.env.REAL_APP_URL = app
  process.env.REAL_SIM_URL = sim
  return stop
}
