// 常见问题: browsing the knowledge base by category.
export const faq = {};
