// Svelte options shared by the Vite plugin and svelte-check.
export default {
  compilerOptions: {
    // Component styles go to the emitted .css file, never into a <style>
    // element at run time: the server's Content-Security-Policy has no
    // 'unsafe-inline' for styles.
    css: 'external',
  },
};
