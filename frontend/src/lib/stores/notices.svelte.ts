// Short messages at the edge of the screen: results of actions and errors
// that have no better place.

export interface Notice {
  id: number;
  text: string;
  kind: 'info' | 'error';
}

export class NoticesStore {
  list = $state.raw<Notice[]>([]);
  #next = 1;
  #timeout: number;

  /** Info notices go away after timeout ms; errors stay until dismissed. */
  constructor(timeout = 6000) {
    this.#timeout = timeout;
  }

  info(text: string): void {
    const id = this.#push(text, 'info');
    setTimeout(() => this.dismiss(id), this.#timeout);
  }

  error(text: string): void {
    this.#push(text, 'error');
  }

  dismiss(id: number): void {
    this.list = this.list.filter((n) => n.id !== id);
  }

  #push(text: string, kind: Notice['kind']): number {
    const id = this.#next++;
    // The newest five are enough; older ones make room.
    this.list = [...this.list, { id, text, kind }].slice(-5);
    return id;
  }
}
