/** A short two-note chime, made in the browser (no sound file to fetch). */
export function playChime(): void {
  try {
    const audio = new AudioContext();
    const start = audio.currentTime;
    for (const [offset, frequency] of [
      [0, 880],
      [0.15, 1320],
    ] as const) {
      const oscillator = audio.createOscillator();
      const gain = audio.createGain();
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, start + offset);
      gain.gain.exponentialRampToValueAtTime(0.2, start + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.3);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start(start + offset);
      oscillator.stop(start + offset + 0.32);
    }
    setTimeout(() => void audio.close(), 800);
  } catch {
    // No audio (a locked-down browser): the desktop notification and the badge still tell.
  }
}

/** A desktop notification when the agent allowed them; clicking it brings the tab forward. */
export function notifyDesktop(title: string, body: string, onClick: () => void): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  const notification = new Notification(title, { body, tag: title });
  notification.onclick = () => {
    window.focus();
    onClick();
    notification.close();
  };
}

export const canAskForNotifications = () => typeof Notification !== 'undefined' && Notification.permission === 'default';
