import './app.css';
import '$lib/prefs/theme.svelte';
import { mount } from 'svelte';
import App from './App.svelte';

const target = document.getElementById('app');
if (!target) throw new Error('The page has no #app element to mount the interface in.');

export default mount(App, { target });
