// The API reference at /docs: Swagger UI from the service's own files (no CDN), reading /openapi.json.
window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true });
