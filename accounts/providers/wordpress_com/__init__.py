"""Log in with WordPress.com, as the seed page's "Leave a Reply" offered (OAuth 2).

allauth has no WordPress.com provider: this is one, on its OAuth2 pattern. The API's
address is the ``API_URL`` of ``SOCIALACCOUNT_PROVIDERS["wordpress_com"]``, read on
every request, so tests can point it at a stand-in.
"""
