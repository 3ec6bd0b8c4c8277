// What a porter did on the phone, kept in localStorage until the server has it: on poor
// Wi-Fi an action waits and is sent, in order, when the network is back. Each carries its
// own key; and since an answer may be lost after the server acted, before a retry (and on
// a 409) the job is read back: if what was asked has happened, the action counts as sent.
// The porter sees plainly what has reached the server and what has not.

import { ApiError, Offline, call, get, newKey } from './api.js';

const SENT_KEPT = 5;

// Has what `entry` asked for already happened, as `record` (a job or porter) stands?
export function happened(entry, record) {
  const me = entry.badge;
  switch (entry.action) {
    case 'acknowledge': return record.acknowledged_by.includes(me) || Boolean(record.picked_up_at);
    case 'pick-up': return Boolean(record.picked_up_at);
    case 'complete': return record.status === 'completed';
    case 'hold': return record.status === 'on_hold';
    case 'resume': return record.status !== 'on_hold';
    case 'decline': return !record.porters.includes(me);
    case 'incidents': return record.incidents > (entry.baseline ?? 0);
    case 'break/start': return record.state === 'on_break';
    case 'break/end': return record.state !== 'on_break';
    case 'shift/start': return record.state !== 'off_shift';
    case 'shift/end': return record.state === 'off_shift';
    default: return false;
  }
}

export class Outbox {
  constructor(badge, onChange) {
    this.badge = badge;
    this.name = `dispatch.outbox.${badge}`;
    this.onChange = onChange;
    this.flushing = false;
    this.entries = JSON.parse(localStorage.getItem(this.name) || '[]');
    for (const e of this.entries) if (e.state === 'sending') e.state = 'queued'; // cut off mid-send
    window.addEventListener('online', () => this.flush());
    window.addEventListener('storage', (event) => { if (event.key === this.name) this.reload(); });
    setInterval(() => { if (this.waiting().length) this.flush(); }, 5000);
  }

  reload() {
    this.entries = JSON.parse(localStorage.getItem(this.name) || '[]');
    this.onChange();
  }

  save() {
    const sent = this.entries.filter((e) => e.state === 'sent');
    const drop = new Set(sent.slice(0, Math.max(0, sent.length - SENT_KEPT)));
    this.entries = this.entries.filter((e) => !drop.has(e));
    localStorage.setItem(this.name, JSON.stringify(this.entries));
    this.onChange();
  }

  waiting() { return this.entries.filter((e) => e.state === 'queued' || e.state === 'sending'); }

  // `target`: {job: id} or {porter: badge}; `baseline`: what `happened` compares against.
  add({ action, path, body, label, target, baseline }) {
    this.entries.push({
      key: newKey(), action, path, body, label, target, baseline, badge: this.badge,
      state: 'queued', tries: 0, at: new Date().toISOString(), message: null,
    });
    this.save();
    return this.flush();
  }

  dismiss(key) {
    this.entries = this.entries.filter((e) => e.key !== key);
    this.save();
  }

  async already(entry) {
    const path = entry.target.job ? `/jobs/${entry.target.job}` : `/porters/${entry.target.porter}`;
    try {
      return happened(entry, await get(path));
    } catch (error) {
      // A porter may not read a job no longer theirs: for a decline, that is the point.
      if (error instanceof ApiError && error.status === 403) return entry.action === 'decline';
      throw error;
    }
  }

  async send(entry) {
    try {
      if (entry.tries > 0 && await this.already(entry)) return 'sent';
      await call('POST', entry.path, { body: entry.body, key: entry.key });
      return 'sent';
    } catch (error) {
      entry.tries += 1;
      if (error instanceof Offline) return 'queued';
      if (error instanceof ApiError && error.status === 409) {
        try { if (await this.already(entry)) return 'sent'; } catch (e) {
          if (e instanceof Offline) return 'queued';
        }
      }
      entry.message = error.message;
      return 'refused';
    }
  }

  async flush() {
    if (this.flushing) return;
    this.flushing = true;
    try {
      let entry;
      while ((entry = this.entries.find((e) => e.state === 'queued'))) {
        entry.state = 'sending';
        this.save();
        entry.state = await this.send(entry);
        if (entry.state === 'sent') entry.sentAt = new Date().toISOString();
        this.save();
        if (entry.state === 'queued') break; // still offline: keep the order, try later
      }
    } finally {
      this.flushing = false;
    }
    if (!this.waiting().length) window.dispatchEvent(new CustomEvent('dispatch:outbox-empty'));
  }
}
