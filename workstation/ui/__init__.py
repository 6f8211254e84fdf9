"""The desktop screens (ttkbootstrap). The only package that imports tkinter; see docs/ui.md."""
