"""Nothing registered: the Django admin serves platform staff on the public schema, where studio tables
do not exist. Videos are reviewed through the portal and the API."""
