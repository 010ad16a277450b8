"""Coded narratives beside the numbers: QDA exports, themes per pilot and phase, intercoder agreement."""
