"""Web accounts on django-allauth: the adapter, forms and views shared by studio and public hosts."""
