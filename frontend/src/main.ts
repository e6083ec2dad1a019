// Entry point: picks the backend (api.ts), builds the stores, mounts the app.
import './app.css';
import { mount } from 'svelte';
import App from './App.svelte';
import { createApi } from './lib/api';
import { createAppContext } from './lib/context';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

const ctx = createAppContext(createApi(window), window);
mount(App, { target, props: { ctx } });
