"""Nothing registered: the Django admin serves platform staff on the public schema, where studio tables
do not exist. Studio data is managed through the portal and the API."""
