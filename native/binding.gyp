{
  "targets": [
    {
      "target_name": "fulcrum_native",
      "sources": ["fulcrum_native.c"]
    }
  ]
}
