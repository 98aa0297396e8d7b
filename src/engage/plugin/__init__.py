"""Plugins: discovery, lazy proxies, the start-up cache and the plugin manager."""
